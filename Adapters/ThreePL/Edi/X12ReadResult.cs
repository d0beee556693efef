namespace Distribution.Aspire.Adapters.ThreePL.Edi;

/// <summary>A transaction set read into <typeparamref name="T"/>, with what was wrong in it (empty when it is sound).</summary>
public sealed record X12ReadResult<T>(T? Document, IReadOnlyList<X12Problem> Problems) where T : class
{
    public bool IsSound => Document is not null && Problems.Count == 0;
}

public static class X12ReadResult
{
    public static X12ReadResult<T> Failed<T>(params X12Problem[] problems) where T : class => new(null, problems);
}
