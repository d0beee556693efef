namespace Distribution.Aspire.Adapters.Shopify.Webhooks;

/// <summary>
/// How a stored delivery ended: <c>processed</c> (its effect happened), <c>skipped</c> (nothing to do: stale fact,
/// our own echo, a refund seen before) or <c>exception</c> (on the exceptions list). <see cref="Outcome"/> says which.
/// </summary>
public sealed record ProcessingResult(string Status, string Outcome)
{
    public static ProcessingResult Processed(string outcome) => new("processed", outcome);

    public static ProcessingResult Skipped(string outcome) => new("skipped", outcome);

    public static ProcessingResult Exception(string code) => new("exception", code);
}
