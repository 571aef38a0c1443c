using Gds.Contracts.Topics;
using Gds.Notify.Email;
using Gds.Notify.Grouping;
using Gds.Notify.RateLimiting;
using Gds.Notify.Resilience;
using Gds.Notify.Watchdog;

namespace Gds.Notify;

/// <summary>
/// Everything the notification sink can be told, bound from the "Sink" configuration section
/// (GDS_Sink__… environment variables override the file). Secrets are named here only by where to read them
/// (<see cref="AuthTokenFile"/>, <see cref="AuthTokenEnvironmentVariable"/>): never put the token itself in a
/// config file. Durations use .NET's TimeSpan text ("00:00:30").
/// </summary>
public sealed class SinkOptions
{
    public const string SectionName = "Sink";

    /// <summary>The sink's consumer group: every sink instance shares the partitions of gds.alerts.</summary>
    public const string ConsumerGroup = "gds-notification-sink";

    /// <summary>Base URL of gds_notification; events are posted to {NotifyUrl}/ingest.</summary>
    public string NotifyUrl { get; set; } = "";

    /// <summary>The token itself, for callers that already hold it (tests, `gds dev`). Wins over the file and the variable.</summary>
    public string? AuthToken { get; set; }

    /// <summary>A file holding the token (e.g. a mounted secret); surrounding whitespace is trimmed.</summary>
    public string? AuthTokenFile { get; set; }

    /// <summary>An environment variable holding the token, read when neither AuthToken nor AuthTokenFile is set.</summary>
    public string? AuthTokenEnvironmentVariable { get; set; } = "GDS_NOTIFY_TOKEN";

    /// <summary>Header the token goes in.</summary>
    public string AuthHeaderName { get; set; } = "Authorization";

    /// <summary>Scheme put before the token ("Bearer"); empty sends the token alone (for X-Api-Key style headers).</summary>
    public string AuthScheme { get; set; } = "Bearer";

    /// <summary>Accept any server certificate. Off by default; only for a test service with a self-signed certificate.</summary>
    public bool SkipTlsVerification { get; set; }

    /// <summary>Route of events that carry no routing_key.</summary>
    public string DefaultRoute { get; set; } = "default";

    /// <summary>Upper bound on events read but not yet finished (delivered, dead-lettered or skipped); consumption pauses beyond it.</summary>
    public int MaxInFlight { get; set; } = 10_000;

    /// <summary>How often finished offsets are committed. Only offsets whose events are all finished are ever committed.</summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>On shutdown, how long deliveries already under way may finish before they are abandoned (uncommitted, so re-read on restart).</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Kafka's session timeout: how soon the group notices a crashed sink and hands its partitions to another (or
    /// to the restarted one). Shorter than Kafka's 45 s default because a restarted sink waits this long before it
    /// gets partitions, and the embedded broker makes even a clean restart wait it (it ignores LeaveGroup).
    /// </summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public string ClientId { get; set; } = "gds-sink";

    public string SourceTopic { get; set; } = TopicNames.Alerts;

    public string DeadLetterTopic { get; set; } = TopicNames.AlertsDlq;

    public RetryOptions Retry { get; set; } = new();

    public BreakerOptions Breaker { get; set; } = new();

    public BulkheadOptions Bulkhead { get; set; } = new();

    public RateLimitOptions RateLimit { get; set; } = new();

    public GroupingOptions Grouping { get; set; } = new();

    public EmailOptions Email { get; set; } = new();

    /// <summary>
    /// The dead man's switch for the topology (top-level section "Watchdog", see docs/sink.md); null runs none. Null by
    /// default so that a sink embedded in a test or a benchmark never pages on its own; `gds sink` and `gds dev` set it.
    /// </summary>
    public WatchdogOptions? Watchdog { get; set; }
}
