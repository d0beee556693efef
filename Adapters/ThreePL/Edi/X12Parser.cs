using System.Globalization;

namespace Distribution.Aspire.Adapters.ThreePL.Edi;

/// <summary>
/// Reads the envelopes of an X12 text (ISA/GS/ST ... SE/GE/IEA) and checks them: ISA fixed length (106) and
/// element widths, IEA/GE/SE counts and control numbers matching their headers, trailers present, no segment
/// outside its envelope. Structure problems are reported, not thrown, so every group can still be
/// acknowledged; only a text that is not X12 at all throws <see cref="X12SyntaxException"/>.
/// </summary>
public static class X12Parser
{
    // ISA01..ISA16 widths; a 106-character ISA is these plus "ISA", 16 separators and the terminator.
    private static readonly int[] IsaWidths = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1];

    public static X12Document Parse(string text)
    {
        var tokens = X12Tokenizer.Tokenize(text);
        var builder = new Builder(tokens);
        foreach (var segment in tokens.Segments)
        {
            builder.Add(segment);
        }

        builder.Finish();
        return new X12Document(tokens.Delimiters, builder.Interchanges, builder.Errors);
    }

    /// <summary>The ISA elements whose width is not the fixed one, as "ISA06 is 12 characters, not 15".</summary>
    public static IReadOnlyList<(int Element, string Description)> IsaWidthProblems(X12Segment isa)
    {
        var problems = new List<(int, string)>();
        for (var i = 1; i <= IsaWidths.Length; i++)
        {
            if (isa[i].Length != IsaWidths[i - 1])
            {
                problems.Add((i, $"ISA{i:00} is {isa[i].Length} characters, not {IsaWidths[i - 1]}"));
            }
        }

        return problems;
    }

    private sealed class Builder(X12TokenizedText tokens)
    {
        private X12Segment? _isa;
        private List<X12Segment> _acknowledgments = [];
        private List<X12FunctionalGroup> _groups = [];
        private X12Segment? _gs;
        private List<X12TransactionSet> _sets = [];
        private List<X12Segment>? _set;

        public List<X12Interchange> Interchanges { get; } = [];

        public List<X12EnvelopeError> Errors { get; } = [];

        private int Index => Interchanges.Count;

        public void Add(X12Segment segment)
        {
            switch (segment.Id)
            {
                case "ISA":
                    if (_isa is not null)
                    {
                        Error(X12ErrorLevel.Interchange, X12EnvelopeCodes.IeaMissing, $"Interchange {_isa[13]} has no IEA before the next ISA (segment {segment.Position}).", segment.Position);
                        CloseInterchange(null);
                    }

                    StartInterchange(segment);
                    break;
                case "IEA":
                    if (_isa is null)
                    {
                        Error(X12ErrorLevel.Interchange, X12EnvelopeCodes.OutsideEnvelope, $"IEA at segment {segment.Position} has no ISA.", segment.Position);
                        break;
                    }

                    CloseInterchange(segment);
                    break;
                case "TA1" when _isa is not null && _gs is null && _groups.Count == 0:
                    _acknowledgments.Add(segment);
                    break;
                case "GS":
                    if (_isa is null)
                    {
                        Error(X12ErrorLevel.Interchange, X12EnvelopeCodes.OutsideEnvelope, $"GS at segment {segment.Position} is outside an interchange.", segment.Position);
                        break;
                    }

                    if (_gs is not null)
                    {
                        Error(X12ErrorLevel.Group, X12EnvelopeCodes.GeMissing, $"Group {_gs[6]} has no GE before the next GS (segment {segment.Position}).", segment.Position, _gs[6]);
                        CloseGroup(null);
                    }

                    _gs = segment;
                    _sets = [];
                    break;
                case "GE":
                    if (_gs is null)
                    {
                        Error(X12ErrorLevel.Interchange, X12EnvelopeCodes.OutsideEnvelope, $"GE at segment {segment.Position} has no GS.", segment.Position);
                        break;
                    }

                    CloseGroup(segment);
                    break;
                case "ST":
                    if (_gs is null)
                    {
                        Error(X12ErrorLevel.Interchange, X12EnvelopeCodes.OutsideEnvelope, $"ST at segment {segment.Position} is outside a functional group.", segment.Position);
                        break;
                    }

                    if (_set is not null)
                    {
                        Error(X12ErrorLevel.TransactionSet, X12EnvelopeCodes.SeMissing, $"Transaction set {_set[0][2]} has no SE before the next ST (segment {segment.Position}).", segment.Position, _gs[6], _set[0][2]);
                        CloseSet(false);
                    }

                    _set = [segment];
                    break;
                case "SE" when _set is not null:
                    _set.Add(segment);
                    CloseSet(true);
                    break;
                default:
                    if (_set is not null)
                    {
                        _set.Add(segment);
                    }
                    else if (_gs is not null)
                    {
                        Error(X12ErrorLevel.Group, X12EnvelopeCodes.OutsideTransaction, $"{segment.Id} at segment {segment.Position} is outside a transaction set.", segment.Position, _gs[6]);
                    }
                    else
                    {
                        Error(X12ErrorLevel.Interchange, X12EnvelopeCodes.OutsideEnvelope, $"{segment.Id} at segment {segment.Position} is outside a functional group.", segment.Position);
                    }

                    break;
            }
        }

        public void Finish()
        {
            if (_isa is not null)
            {
                Error(X12ErrorLevel.Interchange, X12EnvelopeCodes.IeaMissing, $"Interchange {_isa[13]} ends without an IEA.", tokens.Segments[^1].Position);
                CloseInterchange(null);
            }
        }

        private void StartInterchange(X12Segment isa)
        {
            _isa = isa;
            _acknowledgments = [];
            _groups = [];
            var length = tokens.IsaLengths[isa.Position];
            if (length != X12Tokenizer.IsaLength || isa.ElementCount != 16)
            {
                var widths = IsaWidthProblems(isa).Select(p => p.Description).ToList();
                var detail = isa.ElementCount != 16 ? $"it has {isa.ElementCount} elements, not 16" : string.Join("; ", widths);
                Error(X12ErrorLevel.Interchange, X12EnvelopeCodes.IsaLength, $"ISA is {length} characters, not the fixed {X12Tokenizer.IsaLength}: {detail}.", isa.Position);
            }

            if (isa[13].Length != 9 || !isa[13].All(char.IsAsciiDigit))
            {
                Error(X12ErrorLevel.Interchange, X12EnvelopeCodes.IsaControlNumber, $"ISA13 '{isa[13]}' is not a 9-digit control number.", isa.Position);
            }
        }

        private void CloseInterchange(X12Segment? iea)
        {
            if (_set is not null)
            {
                Error(X12ErrorLevel.TransactionSet, X12EnvelopeCodes.SeMissing, $"Transaction set {_set[0][2]} has no SE.", _set[^1].Position, _gs?[6], _set[0][2]);
                CloseSet(false);
            }

            if (_gs is not null)
            {
                Error(X12ErrorLevel.Group, X12EnvelopeCodes.GeMissing, $"Group {_gs[6]} has no GE.", iea?.Position ?? _gs.Position, _gs[6]);
                CloseGroup(null);
            }

            var isa = _isa!;
            if (iea is not null)
            {
                if (!IntEquals(iea[1], _groups.Count))
                {
                    Error(X12ErrorLevel.Interchange, X12EnvelopeCodes.IeaGroupCount, $"IEA01 says {iea[1]} functional groups; the interchange has {_groups.Count}.", iea.Position);
                }

                if (iea[2] != isa[13])
                {
                    Error(X12ErrorLevel.Interchange, X12EnvelopeCodes.IeaControlMismatch, $"IEA02 '{iea[2]}' does not match ISA13 '{isa[13]}'.", iea.Position);
                }
            }

            Interchanges.Add(new X12Interchange(isa, iea, tokens.IsaLengths[isa.Position], _acknowledgments, _groups));
            _isa = null;
        }

        private void CloseGroup(X12Segment? ge)
        {
            if (_set is not null)
            {
                Error(X12ErrorLevel.TransactionSet, X12EnvelopeCodes.SeMissing, $"Transaction set {_set[0][2]} has no SE before GE.", ge?.Position ?? _set[^1].Position, _gs![6], _set[0][2]);
                CloseSet(false);
            }

            var gs = _gs!;
            if (ge is not null)
            {
                if (!IntEquals(ge[1], _sets.Count))
                {
                    Error(X12ErrorLevel.Group, X12EnvelopeCodes.GeTransactionCount, $"GE01 says {ge[1]} transaction sets; group {gs[6]} has {_sets.Count}.", ge.Position, gs[6]);
                }

                if (!ControlEquals(ge[2], gs[6]))
                {
                    Error(X12ErrorLevel.Group, X12EnvelopeCodes.GeControlMismatch, $"GE02 '{ge[2]}' does not match GS06 '{gs[6]}'.", ge.Position, gs[6]);
                }
            }

            _groups.Add(new X12FunctionalGroup(gs, ge, _sets));
            _gs = null;
        }

        private void CloseSet(bool hasTrailer)
        {
            var segments = _set!;
            var set = new X12TransactionSet(segments, hasTrailer);
            if (set.Se is { } se)
            {
                if (!IntEquals(se[1], segments.Count))
                {
                    Error(X12ErrorLevel.TransactionSet, X12EnvelopeCodes.SeSegmentCount, $"SE01 says {se[1]} segments; transaction set {set.ControlNumber} has {segments.Count} (ST to SE).", se.Position, _gs![6], set.ControlNumber);
                }

                if (se[2] != set.ControlNumber)
                {
                    Error(X12ErrorLevel.TransactionSet, X12EnvelopeCodes.SeControlMismatch, $"SE02 '{se[2]}' does not match ST02 '{set.ControlNumber}'.", se.Position, _gs![6], set.ControlNumber);
                }
            }

            _sets.Add(set);
            _set = null;
        }

        private void Error(X12ErrorLevel level, string code, string message, int position, string? group = null, string? set = null) =>
            Errors.Add(new X12EnvelopeError(level, code, message, position, Index, group, set));

        private static bool IntEquals(string value, int expected) =>
            int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed == expected;

        // Group control numbers are numeric (N0 1/9): "000000089" and "89" are the same number.
        private static bool ControlEquals(string a, string b) =>
            a == b || (long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var x)
                && long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var y) && x == y);
    }
}
