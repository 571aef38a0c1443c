using Gds.Contracts.Topics;

namespace Gds.Notify.Watchdog;

/// <summary>
/// The pipeline's dead man's switch, bound from the top-level "Watchdog" configuration section (GDS_Watchdog__…):
/// the topology writes a heartbeat per task every <see cref="Interval"/>, and the sink pages once when none has
/// arrived for <see cref="Timeout"/>, and sends an all-clear once when they return.
/// </summary>
public sealed record WatchdogOptions
{
    public const string SectionName = "Watchdog";

    /// <summary>On in `gds sink`, `gds streams` and `gds dev` unless switched off (or `--no-watchdog`).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>How often each stream task writes a heartbeat.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long without any heartbeat before the topology counts as stopped; longer than <see cref="Interval"/>.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Routing key of the page and the all-clear (their email fallback recipients too); null: Sink:DefaultRoute.</summary>
    public string? RoutingKey { get; init; }

    public string Topic { get; init; } = TopicNames.Watchdog;

    /// <summary>How often the watchdog looks at the silence: a tenth of the timeout, within 100 ms and 5 s.</summary>
    public TimeSpan CheckEvery => TimeSpan.FromTicks(Math.Clamp(Timeout.Ticks / 10, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(5).Ticks));
}
