namespace Distribution.Aspire.Adapters.ThreePL.Edi;

/// <summary>The text is not an X12 interchange at all (no ISA, separators unreadable): nothing can be acknowledged.</summary>
public sealed class X12SyntaxException(string message) : Exception(message);
