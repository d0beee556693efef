namespace Distribution.Aspire.OrderService.Submitting;

public enum SubmitOutcome
{
    Created,
    /// <summary>The same order again: same id, nothing changed, no events.</summary>
    Unchanged,
    /// <summary>The channel changed what it may still change, and the state allowed it.</summary>
    Updated,
}
