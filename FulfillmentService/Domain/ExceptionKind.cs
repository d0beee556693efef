namespace Distribution.Aspire.FulfillmentService.Domain;

public enum ExceptionKind
{
    Lost,
    Damaged,
    AddressProblem,
    OnHold,
    Other,
}

public static class ExceptionKinds
{
    private static readonly Dictionary<ExceptionKind, string> Wire = new()
    {
        [ExceptionKind.Lost] = "lost",
        [ExceptionKind.Damaged] = "damaged",
        [ExceptionKind.AddressProblem] = "address_problem",
        [ExceptionKind.OnHold] = "on_hold",
        [ExceptionKind.Other] = "other",
    };

    private static readonly Dictionary<string, ExceptionKind> FromWire = Wire.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    public static IEnumerable<ExceptionKind> All => Wire.Keys;

    public static string ToWire(this ExceptionKind kind) => Wire[kind];

    public static ExceptionKind Parse(string wire) => FromWire[wire];
}
