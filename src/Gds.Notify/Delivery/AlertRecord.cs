using Gds.Contracts.Alerts;

namespace Gds.Notify.Delivery;

/// <summary>
/// One gds.alerts record on its way through the sink. Finishing it (delivered, dead-lettered, skipped) is what lets
/// its offset be committed; it finishes exactly once.
/// </summary>
public sealed class AlertRecord
{
    private readonly Action<AlertRecord> _onFinished;
    private int _finished;

    public AlertRecord(ConsumeResult<byte[], byte[]> source, AlertEvent? alert, string route, Action<AlertRecord> onFinished)
    {
        Source = source;
        Alert = alert;
        Route = route;
        _onFinished = onFinished;
    }

    public ConsumeResult<byte[], byte[]> Source { get; }

    /// <summary>Null when the record could not be read as an AlertEvent.</summary>
    public AlertEvent? Alert { get; }

    public string Route { get; }

    public OffsetTicket Ticket { get; init; }

    /// <summary>Why the record could not be read, when <see cref="Alert"/> is null.</summary>
    public string? DecodeError { get; init; }

    /// <summary>The rate-limit and ordering key: rule + instance.</summary>
    public string AlertKey => Alert is null ? "" : $"{Alert.RuleId}\u001f{Alert.InstanceId}";

    public bool IsFinished => Volatile.Read(ref _finished) == 1;

    public void Finish()
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0) _onFinished(this);
    }

    public override string ToString() => $"{RecordPosition.Of(Source)} event {Alert?.EventId ?? "(unreadable)"}";
}
