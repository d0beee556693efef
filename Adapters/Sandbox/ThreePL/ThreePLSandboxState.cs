using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Sandbox.ThreePL;

/// <summary>An order the simulated 3PL took. Addresses are not kept: the sandbox ships to nowhere.</summary>
public sealed class SandboxShipment(string reference, string format, IReadOnlyList<SandboxLine> lines, DateTimeOffset receivedAt, string shipmentId, string trackingNumber)
{
    public string Reference { get; } = reference;

    public string Format { get; } = format;

    public IReadOnlyList<SandboxLine> Lines { get; } = lines;

    public DateTimeOffset ReceivedAt { get; } = receivedAt;

    public string ShipmentId { get; } = shipmentId;

    public string TrackingNumber { get; } = trackingNumber;

    public bool Cancelled { get; set; }

    /// <summary>0 received, 1 shipped, 2 in transit, 3 delivered.</summary>
    public int Stage { get; set; }
}

public sealed record SandboxLine(string LineId, string Sku, int Quantity);

public sealed record SentDocument(DateTimeOffset At, string Kind, string Reference, int Status);

/// <summary>Everything the sandbox 3PL holds, shared by its endpoints and its driver.</summary>
public sealed class ThreePLSandboxState(IOptions<ThreePLSandboxOptions> options, TimeProvider time)
{
    private int _shipmentNumber;
    private long _controlNumber = DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 800_000_000;

    public ConcurrentDictionary<string, SandboxShipment> Shipments { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<SentDocument> Sent { get; } = new();

    public ConcurrentDictionary<string, int> Stock { get; } = new(options.Value.Inventory, StringComparer.Ordinal);

    public ThreePLFaults Faults { get; set; } = options.Value.Faults.Copy();

    private int _requestsReceived;
    private int _faultsInjected;

    public int RequestsReceived => Volatile.Read(ref _requestsReceived);

    public int FaultsInjected => Volatile.Read(ref _faultsInjected);

    public void CountRequest() => Interlocked.Increment(ref _requestsReceived);

    public void CountFault() => Interlocked.Increment(ref _faultsInjected);

    public TimeProvider Time { get; } = time;

    /// <summary>Interchange control numbers: increasing, and different after a restart (they start from the clock).</summary>
    public long NextControlNumber() => Interlocked.Increment(ref _controlNumber);

    public SandboxShipment Take(string reference, string format, IReadOnlyList<SandboxLine> lines)
    {
        var number = Interlocked.Increment(ref _shipmentNumber);
        return Shipments.GetOrAdd(reference, _ => new SandboxShipment(
            reference, format, lines, Time.GetUtcNow(), $"SBX{number:D6}", $"1ZSBX{Random.Shared.NextInt64(10_000_000_000, 99_999_999_999)}"));
    }
}
