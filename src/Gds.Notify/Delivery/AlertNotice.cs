namespace Gds.Notify.Delivery;

/// <summary>An event cleared to be notified, with the events of the same rule + instance the rate limit held back before it.</summary>
public sealed record AlertNotice(AlertRecord Record, IReadOnlyList<AlertRecord> HeldBack)
{
    public IEnumerable<AlertRecord> AllRecords => HeldBack.Append(Record);
}
