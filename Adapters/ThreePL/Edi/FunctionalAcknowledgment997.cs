using System.Globalization;

namespace Distribution.Aspire.Adapters.ThreePL.Edi;

/// <summary>Writes and reads the 997 functional acknowledgment (004010: AK3/AK4 for segment and element errors).</summary>
public static class FunctionalAcknowledgment997
{
    public const string Type = "997";

    public static X12SetContent Write(FunctionalAcknowledgment ack, string controlNumber)
    {
        // Identifiers are copies of what the partner sent: cleaned, so a stray separator cannot break our answer.
        var body = new List<string[]> { new[] { "AK1", Copy(ack.FunctionalIdentifier, 2), Copy(ack.GroupControlNumber, 9) } };
        foreach (var set in ack.TransactionSets)
        {
            body.Add(["AK2", Copy(set.TransactionSetIdentifier, 3), Copy(set.ControlNumber, 9)]);
            foreach (var note in set.Segments)
            {
                body.Add(["AK3", Copy(note.SegmentId, 3), Number(note.Position), note.LoopIdentifier ?? string.Empty, note.ErrorCode ?? string.Empty]);
                foreach (var element in note.Elements)
                {
                    var position = element.ComponentPosition is { } component
                        ? X12Writer.Composite(Number(element.Position), Number(component))
                        : Number(element.Position);
                    body.Add(["AK4", position, element.ReferenceNumber ?? string.Empty, element.ErrorCode, X12Writer.Clean(element.BadValue, 99)]);
                }
            }

            body.Add(["AK5", set.AckCode, .. set.ErrorCodes.Take(5)]);
        }

        body.Add(["AK9", ack.AckCode, Number(ack.Included), Number(ack.Received), Number(ack.Accepted), .. ack.ErrorCodes.Take(5)]);
        return new X12SetContent(Type, controlNumber, body);
    }

    public static X12ReadResult<FunctionalAcknowledgment> Read(X12TransactionSet set)
    {
        var problems = new List<X12Problem>();
        var segments = set.Body.ToList();
        if (segments.Count == 0 || !segments[0].Is("AK1"))
        {
            return X12ReadResult.Failed<FunctionalAcknowledgment>(X12Problem.Missing("AK1", 2, "A 997 starts with AK1."));
        }

        var ak1 = segments[0];
        var sets = new List<TransactionSetResponse>();
        X12Segment? ak9 = null;
        (X12Segment Ak2, List<SegmentNote> Notes)? current = null;
        List<ElementNote>? elements = null;
        for (var i = 1; i < segments.Count; i++)
        {
            var segment = segments[i];
            switch (segment.Id)
            {
                case "AK2" when ak9 is null:
                    if (current is not null)
                    {
                        problems.Add(X12Problem.OutOfPlace(set, segment, "AK2 before the previous AK2 loop's AK5.", "AK2"));
                    }

                    current = (segment, []);
                    elements = null;
                    break;
                case "AK3" when current is not null:
                    elements = [];
                    current.Value.Notes.Add(new SegmentNote(segment[1], Int(segment[2]), Optional(segment[3]), Optional(segment[4]), elements));
                    break;
                case "AK4" when elements is not null:
                    var position = segment.Component(1, 1);
                    var component = segment.Component(1, 2);
                    elements.Add(new ElementNote(Int(position), component.Length == 0 ? null : Int(component), Optional(segment[2]), segment[3], Optional(segment[4])));
                    break;
                case "AK5" when current is not null:
                    sets.Add(new TransactionSetResponse(current.Value.Ak2[1], current.Value.Ak2[2], current.Value.Notes, segment[1], Codes(segment, 2)));
                    current = null;
                    elements = null;
                    break;
                case "AK9" when ak9 is null && current is null:
                    ak9 = segment;
                    break;
                case "AK2" or "AK3" or "AK4" or "AK5" or "AK9":
                    problems.Add(X12Problem.OutOfPlace(set, segment, $"{segment.Id} is out of place in the 997."));
                    break;
                default:
                    problems.Add(X12Problem.Unexpected(set, segment, $"{segment.Id} is not a 997 segment."));
                    break;
            }
        }

        if (ak9 is null)
        {
            problems.Add(X12Problem.Missing("AK9", segments.Count + 2, "A 997 ends with AK9."));
            return X12ReadResult.Failed<FunctionalAcknowledgment>([.. problems]);
        }

        var ack = new FunctionalAcknowledgment(ak1[1], ak1[2], sets, ak9[1], Int(ak9[2]), Int(ak9[3]), Int(ak9[4]), Codes(ak9, 5));
        return new X12ReadResult<FunctionalAcknowledgment>(ack, problems);
    }

    private static string Copy(string value, int maxLength) => X12Writer.Clean(value, maxLength);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int Int(string value) => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;

    private static string? Optional(string value) => value.Length == 0 ? null : value;

    private static List<string> Codes(X12Segment segment, int from) =>
        [.. Enumerable.Range(from, Math.Max(0, segment.ElementCount - from + 1)).Select(i => segment[i]).Where(c => c.Length > 0)];
}
