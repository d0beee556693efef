using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Sandbox.Erp;

/// <summary>
/// The simulated ERP's books, in memory: the chart of accounts, the item master, posted journal entries, sales
/// shipments and return receipts (each unique by external document number), issued tokens, faults and counters.
/// One lock keeps validation and the uniqueness check atomic with the insert, as the ERP's database would.
/// </summary>
public sealed class ErpSandboxState
{
    public const string SalesShipments = "salesShipments";
    public const string SalesReturnReceipts = "salesReturnReceipts";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, AccountDocument> _accounts = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, ItemDocument> _items = new(StringComparer.Ordinal);
    private readonly List<JournalEntryDocument> _entries = [];
    private readonly Dictionary<string, List<SalesDocument>> _sales = new(StringComparer.Ordinal) { [SalesShipments] = [], [SalesReturnReceipts] = [] };
    private readonly Dictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _counters = new(StringComparer.Ordinal);
    private int _entryNumber;
    private int _salesNumber;

    public ErpSandboxState(IOptions<ErpSandboxOptions> options, TimeProvider time)
    {
        Options = options.Value;
        Time = time;
        Faults = Options.Faults.Copy();
        var chart = Options.Accounts.Count > 0 ? Options.Accounts : ErpSandboxOptions.DefaultChart;
        foreach (var (number, name) in chart)
        {
            _accounts[number] = new AccountDocument(Guid.NewGuid(), number, name, Blocked: false);
        }

        var seeded = Options.SeedItems
            ? Enumerable.Range(1, 3).Select(i => $"SKU-{i}").Concat(Enumerable.Range(1, 10).Select(i => $"SKU-{i:D4}"))
            : [];
        var now = time.GetUtcNow();
        foreach (var number in seeded.Concat(Enumerable.Range(1, Options.GeneratedItems).Select(i => $"ITEM-{i:D5}")))
        {
            _items[number] = new ItemDocument(Guid.NewGuid(), number, $"Item {number}", "Inventory", false, "PCS", 10m, now);
        }
    }

    public ErpSandboxOptions Options { get; }

    public TimeProvider Time { get; }

    public ErpFaults Faults { get; set; }

    public Lock Gate => _gate;

    public string IssueToken()
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        lock (_gate)
        {
            _tokens[token] = Time.GetUtcNow().AddSeconds(Options.TokenLifetimeSeconds);
        }

        return token;
    }

    public bool IsValidToken(string token)
    {
        lock (_gate)
        {
            return _tokens.TryGetValue(token, out var expires) && expires > Time.GetUtcNow();
        }
    }

    public void Count(string counter, long by = 1)
    {
        lock (_gate)
        {
            _counters[counter] = _counters.GetValueOrDefault(counter) + by;
        }
    }

    public IReadOnlyDictionary<string, long> Counters()
    {
        lock (_gate)
        {
            return new SortedDictionary<string, long>(_counters, StringComparer.Ordinal);
        }
    }

    /// <summary>The caller holds <see cref="Gate"/>.</summary>
    public AccountDocument? Account(string number) => _accounts.GetValueOrDefault(number);

    public IReadOnlyList<AccountDocument> Accounts()
    {
        lock (_gate)
        {
            return [.. _accounts.Values.OrderBy(a => a.Number, StringComparer.Ordinal)];
        }
    }

    public void UpsertAccounts(IEnumerable<AccountUpdate> updates)
    {
        lock (_gate)
        {
            foreach (var update in updates)
            {
                _accounts[update.Number] = _accounts.TryGetValue(update.Number, out var existing)
                    ? existing with { DisplayName = update.DisplayName ?? existing.DisplayName, Blocked = update.Blocked ?? existing.Blocked }
                    : new AccountDocument(Guid.NewGuid(), update.Number, update.DisplayName ?? update.Number, update.Blocked ?? false);
            }
        }
    }

    /// <summary>The caller holds <see cref="Gate"/>.</summary>
    public bool HasItem(string number) => _items.ContainsKey(number);

    /// <summary>Changes or adds items; each gets a new <c>lastModifiedDateTime</c>, as an edit in the ERP would.</summary>
    public IReadOnlyList<ItemDocument> UpsertItems(IEnumerable<ItemUpdate> updates)
    {
        var now = Time.GetUtcNow();
        var changed = new List<ItemDocument>();
        lock (_gate)
        {
            foreach (var update in updates)
            {
                var item = _items.TryGetValue(update.Number, out var existing)
                    ? existing with
                    {
                        DisplayName = update.DisplayName ?? existing.DisplayName,
                        Blocked = update.Blocked ?? existing.Blocked,
                        BaseUnitOfMeasureCode = update.BaseUnitOfMeasureCode ?? existing.BaseUnitOfMeasureCode,
                        UnitPrice = update.UnitPrice ?? existing.UnitPrice,
                        LastModifiedDateTime = now,
                    }
                    : new ItemDocument(Guid.NewGuid(), update.Number, update.DisplayName ?? update.Number, "Inventory", update.Blocked ?? false,
                        update.BaseUnitOfMeasureCode ?? "PCS", update.UnitPrice ?? 0m, now);
                _items[update.Number] = item;
                changed.Add(item);
            }
        }

        return changed;
    }

    /// <summary>Runs after each page of items is served, with the pages served so far: lets a test edit the item master while a sync reads it.</summary>
    public Action<long>? AfterItemsPage { get; set; }

    /// <summary>Items in number order after <paramref name="after"/> (the skip token) matching <paramref name="filter"/>, one page and whether more follow.</summary>
    public (IReadOnlyList<ItemDocument> Page, bool More) Items(string? after, Func<ItemDocument, bool> filter, int pageSize)
    {
        lock (_gate)
        {
            var matching = _items.Values.Where(i => (after is null || string.CompareOrdinal(i.Number, after) > 0) && filter(i)).Take(pageSize + 1).ToList();
            return (matching.Take(pageSize).ToList(), matching.Count > pageSize);
        }
    }

    public JournalEntryDocument? FindEntry(Func<JournalEntryDocument, bool> predicate)
    {
        lock (_gate)
        {
            return _entries.FirstOrDefault(predicate);
        }
    }

    public IReadOnlyList<JournalEntryDocument> Entries(Func<JournalEntryDocument, bool>? predicate = null)
    {
        lock (_gate)
        {
            return [.. predicate is null ? _entries : _entries.Where(predicate)];
        }
    }

    /// <summary>Adds a posted entry; the caller holds <see cref="Gate"/> from validation to here.</summary>
    public JournalEntryDocument AddEntry(Func<int, JournalEntryDocument> create)
    {
        var entry = create(++_entryNumber);
        _entries.Add(entry);
        return entry;
    }

    public IReadOnlyList<SalesDocument> Sales(string collection, Func<SalesDocument, bool>? predicate = null)
    {
        lock (_gate)
        {
            return [.. predicate is null ? _sales[collection] : _sales[collection].Where(predicate)];
        }
    }

    /// <summary>Adds a posted sales document; the caller holds <see cref="Gate"/> from validation to here.</summary>
    public SalesDocument AddSales(string collection, Func<string, SalesDocument> create)
    {
        var prefix = collection == SalesShipments ? "SSH" : "SRR";
        var document = create(prefix + (++_salesNumber).ToString("D6", CultureInfo.InvariantCulture));
        _sales[collection].Add(document);
        return document;
    }
}
