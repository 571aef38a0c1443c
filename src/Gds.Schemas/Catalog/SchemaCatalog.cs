using System.Reflection;
using Avro;
using Gds.Contracts.Topics;

namespace Gds.Schemas.Catalog;

/// <summary>One schema of schemas/*.avsc, as compiled into this assembly.</summary>
/// <param name="File">The file name, e.g. metric.avsc.</param>
/// <param name="Text">The file's text, as registered with a schema registry.</param>
public sealed record SchemaFile(string File, string Text, RecordSchema Schema);

/// <summary>
/// schemas/*.avsc, the one source of truth for record shapes, and which topic carries which of them. The files are
/// embedded at build time, so a deployed binary registers exactly the schemas it was built and tested with.
/// </summary>
public static class SchemaCatalog
{
    public static readonly SchemaFile Metric = Load("metric.avsc");
    public static readonly SchemaFile Alert = Load("alert.avsc");
    public static readonly SchemaFile Rule = Load("rule.avsc");
    public static readonly SchemaFile InhibitRule = Load("inhibit_rule.avsc");
    public static readonly SchemaFile Silence = Load("silence.avsc");
    public static readonly SchemaFile Ack = Load("ack.avsc");
    public static readonly SchemaFile FiringAlert = Load("firing_alert.avsc");
    public static readonly SchemaFile Heartbeat = Load("heartbeat.avsc");

    public static IReadOnlyList<SchemaFile> All { get; } = [Metric, Alert, Rule, InhibitRule, Silence, Ack, FiringAlert, Heartbeat];

    /// <summary>
    /// The schema of a topic's values, or null for a topic that has none: the dead-letter queues keep the original
    /// bytes of whatever failed, and gds.watchdog holds two record kinds (task heartbeats and the sink's episode) on
    /// one internal topic, so both stay JSON in either format.
    /// </summary>
    public static SchemaFile? ForTopic(string topic) => topic switch
    {
        TopicNames.Alerts => Alert,
        TopicNames.Rules => Rule,
        TopicNames.InhibitRules => InhibitRule,
        TopicNames.Silences => Silence,
        TopicNames.AlertAcks => Ack,
        TopicNames.FiringAlerts => FiringAlert,
        TopicNames.Heartbeats => Heartbeat,
        _ when TopicNames.IsMetricsTopic(topic) => Metric,
        _ => null,
    };

    /// <summary>The registry subject of a topic's values (Confluent's TopicNameStrategy).</summary>
    public static string ValueSubject(string topic) => topic + "-value";

    private static SchemaFile Load(string file)
    {
        using var stream = typeof(SchemaCatalog).Assembly.GetManifestResourceStream("schemas/" + file)
            ?? throw new InvalidOperationException($"schema {file} is not compiled into {typeof(SchemaCatalog).Assembly.GetName().Name}");
        var text = new StreamReader(stream).ReadToEnd();
        return new SchemaFile(file, text, (RecordSchema)Schema.Parse(text));
    }
}
