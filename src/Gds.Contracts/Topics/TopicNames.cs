namespace Gds.Contracts.Topics;

/// <summary>Every topic name of the system in one place, so producers and consumers cannot drift apart.</summary>
public static class TopicNames
{
    public const string MetricsPrefix = "gds.metrics.";
    public const string Rules = "gds.rules";
    public const string Silences = "gds.silences";
    /// <summary>Inhibition rules of the rules file (key = rule name; compacted), published with the rules.</summary>
    public const string InhibitRules = "gds.inhibit_rules";
    public const string Alerts = "gds.alerts";
    public const string AlertAcks = "gds.alerts.acks";
    /// <summary>
    /// The alerts firing now across the fleet (key = dedup key; compacted, a tombstone on resolution): written by every
    /// stream task, read back whole by every stream process, so that inhibition and silence auto-expiry see every
    /// partition's alerts.
    /// </summary>
    public const string FiringAlerts = "gds.alerts.firing";
    public const string AlertsDlq = "gds.alerts.dlq";
    public const string MetricsDlq = "gds.metrics.dlq";
    public const string Heartbeats = "gds.heartbeats";
    /// <summary>
    /// The pipeline's dead man's switch (one partition, compacted): each stream task's heartbeat and the sink
    /// watchdog's last notified episode (see docs/sink.md, "Watchdog").
    /// </summary>
    public const string Watchdog = "gds.watchdog";

    /// <summary>Environments a fresh deployment creates metric topics for; more appear as collectors publish.</summary>
    public static readonly IReadOnlyList<string> DefaultEnvironments = ["production", "staging", "development"];

    public static string Metrics(string databaseType, string environment) => $"{MetricsPrefix}{databaseType}.{environment}";

    /// <summary>True for gds.metrics.{type}.{env}; false for the metrics DLQ.</summary>
    public static bool IsMetricsTopic(string topic) =>
        topic.StartsWith(MetricsPrefix, StringComparison.Ordinal) && topic != MetricsDlq
        && topic.AsSpan(MetricsPrefix.Length).IndexOf('.') > 0;

    /// <summary>Topics that hold the latest value per key (rules, silences, acks, heartbeats, the watchdog).</summary>
    public static readonly IReadOnlySet<string> Compacted = new HashSet<string> { Rules, Silences, InhibitRules, AlertAcks, FiringAlerts, Heartbeats, Watchdog };
}
