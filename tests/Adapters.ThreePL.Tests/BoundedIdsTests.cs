using Distribution.Aspire.Adapters.ThreePL.Applying;

namespace Distribution.Aspire.Adapters.ThreePL.Tests;

public sealed class BoundedIdsTests
{
    [Fact]
    public void Ids_within_Fulfillments_limits_stay_as_they_are_and_longer_ones_shrink_to_a_stable_unique_form()
    {
        var shortId = "acme-3pl:SHIP-1:DA0000000001";
        var longId = "a-partner-with-a-long-name:" + new string('S', 40) + ":DA0000000001";
        var otherLongId = "a-partner-with-a-long-name:" + new string('S', 40) + ":DA0000000002";

        Assert.Equal(shortId, BoundedIds.Fit(shortId, BoundedIds.DispatchId));
        Assert.Equal(BoundedIds.DispatchId, BoundedIds.Fit(longId, BoundedIds.DispatchId).Length);
        Assert.Equal(BoundedIds.Fit(longId, BoundedIds.DispatchId), BoundedIds.Fit(longId, BoundedIds.DispatchId));
        Assert.NotEqual(BoundedIds.Fit(longId, BoundedIds.DispatchId), BoundedIds.Fit(otherLongId, BoundedIds.DispatchId));
    }
}
