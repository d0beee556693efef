using Distribution.Aspire.OrderService.Domain;

namespace Distribution.Aspire.OrderService.Submitting;

public sealed record SubmitResult(Order Order, SubmitOutcome Outcome);
