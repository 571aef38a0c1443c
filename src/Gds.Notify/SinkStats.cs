namespace Gds.Notify;

/// <summary>
/// Live counters of a running sink, safe to read from any thread while it runs (`gds dev` shows them).
/// Events are alert records read from gds.alerts; notifications are POSTs answered 2xx.
/// </summary>
public sealed class SinkStats
{
    private long _consumed, _delivered, _notifications, _failedAttempts, _deadLettered, _heldBack, _emailed, _emailFailed,
        _emailDropped, _skipped, _suppressed, _inFlight, _committed;
    private int _breakerOpen;

    public long Consumed => Interlocked.Read(ref _consumed);
    /// <summary>Events the service has taken (one by one, summarised after a rate-limit hold, or in a group).</summary>
    public long Delivered => Interlocked.Read(ref _delivered);
    /// <summary>POSTs answered 2xx.</summary>
    public long Notifications => Interlocked.Read(ref _notifications);
    /// <summary>POSTs that failed (no answer, timeout, 408, 429, 5xx, other 4xx).</summary>
    public long Failed => Interlocked.Read(ref _failedAttempts);
    public long DeadLettered => Interlocked.Read(ref _deadLettered);
    /// <summary>Events held back by the per rule+instance rate limit (each is summarised in a later notification).</summary>
    public long HeldBack => Interlocked.Read(ref _heldBack);
    public long Emailed => Interlocked.Read(ref _emailed);
    public long EmailFailed => Interlocked.Read(ref _emailFailed);
    public long EmailDropped => Interlocked.Read(ref _emailDropped);
    /// <summary>Events silenced or inhibited: committed without a notification.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);
    /// <summary>Events not re-sent because the same alert was notified in the same state within repeat_interval.</summary>
    public long Suppressed => Interlocked.Read(ref _suppressed);
    /// <summary>Events read and not yet finished.</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);
    /// <summary>Offset commits made.</summary>
    public long Commits => Interlocked.Read(ref _committed);
    public bool BreakerOpen => Volatile.Read(ref _breakerOpen) == 1;

    internal void OnConsumed() { Interlocked.Increment(ref _consumed); Interlocked.Increment(ref _inFlight); }
    internal void OnFinished() => Interlocked.Decrement(ref _inFlight);
    internal void OnDelivered(int events) { Interlocked.Increment(ref _notifications); Interlocked.Add(ref _delivered, events); }
    internal void OnAttemptFailed() => Interlocked.Increment(ref _failedAttempts);
    internal void OnDeadLettered(int events) => Interlocked.Add(ref _deadLettered, events);
    internal void OnHeldBack() => Interlocked.Increment(ref _heldBack);
    internal void OnEmailed() => Interlocked.Increment(ref _emailed);
    internal void OnEmailFailed() => Interlocked.Increment(ref _emailFailed);
    internal void OnEmailDropped() => Interlocked.Increment(ref _emailDropped);
    internal void OnSkipped() => Interlocked.Increment(ref _skipped);
    internal void OnSuppressed(int events) => Interlocked.Add(ref _suppressed, events);
    internal void OnCommitted() => Interlocked.Increment(ref _committed);
    internal void SetBreakerOpen(bool open) => Volatile.Write(ref _breakerOpen, open ? 1 : 0);

    public SinkStatsSnapshot Snapshot() => new(Consumed, Delivered, Notifications, Failed, DeadLettered, HeldBack, Emailed,
        EmailFailed, EmailDropped, Skipped, Suppressed, InFlight, Commits, BreakerOpen);

    public override string ToString() => Snapshot().ToString();
}

public readonly record struct SinkStatsSnapshot(long Consumed, long Delivered, long Notifications, long Failed, long DeadLettered,
    long HeldBack, long Emailed, long EmailFailed, long EmailDropped, long Skipped, long Suppressed, long InFlight, long Commits,
    bool BreakerOpen);
