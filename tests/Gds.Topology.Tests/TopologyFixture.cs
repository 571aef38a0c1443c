using Gds.Alerting.Rules;
using Gds.Contracts.Metrics;
using Gds.Topology.Runtime;
using Streamiz.Kafka.Net.Mock;
using Streamiz.Kafka.Net.SerDes;

namespace Gds.Topology.Tests;

/// <summary>The alerting topology in a TopologyTestDriver, with typed helpers to feed rules and metrics.</summary>
public sealed class TopologyFixture : IDisposable
{
    public const string MetricsTopic = "gds.metrics.postgresql.production";
    public static readonly DateTimeOffset T0 = new(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);

    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), "gds-ttd-" + Guid.NewGuid().ToString("N"));
    private readonly TestInputTopic<string, byte[]> _rules;
    private readonly TestInputTopic<string, byte[]> _metrics;
    private readonly TestOutputTopic<string, byte[]> _alerts;
    private readonly TestOutputTopic<string, byte[]> _dlq;
    private readonly TestInputTopic<string, byte[]> _silences;
    private readonly TestInputTopic<string, byte[]> _acks;
    private readonly TestInputTopic<string, byte[]> _inhibit;
    private readonly TopologyTestDriver _driver;

    public TopologyDriverHandle Driver { get; }
    public TopologyOptions Options { get; }
    /// <summary>The counters and restoration tracker the stages share (one task: partitions 0).</summary>
    public TopologyRuntime Runtime { get; } = new(partitions: 0);

    private readonly Gds.Kafka.Wire.RecordCodec _codec;

    /// <param name="codec">the topology's codec, and the one the helpers write rules and samples and read alerts with (JSON when null)</param>
    public TopologyFixture(Func<TopologyOptions, TopologyOptions>? configure = null, Gds.Kafka.Wire.RecordCodec? codec = null)
    {
        _codec = codec ?? Gds.Kafka.Wire.RecordCodec.Json;
        var options = new TopologyOptions { PunctuationInterval = TimeSpan.FromSeconds(1) };
        Options = configure?.Invoke(options) ?? options;
        var book = new RuleBook();
        var topology = AlertingTopology.Build([MetricsTopic], book, Options, Runtime, codec: _codec);
        var config = new StreamConfig<StringSerDes, ByteArraySerDes>
        {
            ApplicationId = "gds-test-" + Guid.NewGuid().ToString("N")[..8],
            StateDir = _stateDir,
            Logger = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
        };
        var driver = _driver = new TopologyTestDriver(topology, config);
        Driver = new TopologyDriverHandle(driver);
        _rules = driver.CreateInputTopic(TopicNames.Rules, new StringSerDes(), new ByteArraySerDes());
        _metrics = driver.CreateInputTopic(MetricsTopic, new StringSerDes(), new ByteArraySerDes());
        _alerts = driver.CreateOutputTopic(TopicNames.Alerts, TimeSpan.FromSeconds(1), new StringSerDes(), new ByteArraySerDes());
        _dlq = driver.CreateOutputTopic(TopicNames.MetricsDlq, TimeSpan.FromSeconds(1), new StringSerDes(), new ByteArraySerDes());
        _silences = driver.CreateInputTopic(TopicNames.Silences, new StringSerDes(), new ByteArraySerDes());
        _acks = driver.CreateInputTopic(TopicNames.AlertAcks, new StringSerDes(), new ByteArraySerDes());
        _inhibit = driver.CreateInputTopic(TopicNames.InhibitRules, new StringSerDes(), new ByteArraySerDes());
    }

    public TestOutputTopic<string, byte[]> OutputTopic(string topic) =>
        _driver.CreateOutputTopic(topic, TimeSpan.FromSeconds(1), new StringSerDes(), new ByteArraySerDes());

    public void PublishRule(Rule rule) => _rules.PipeInput(rule.Id, _codec.Encode(TopicNames.Rules, rule));

    public void DeleteRule(string id) => _rules.PipeInput(id, null!); // a tombstone

    public void PublishSilence(Gds.Contracts.Silences.Silence s) => _silences.PipeInput(s.Id, GdsJson.Serialize(s));

    public void PublishInhibitRule(InhibitRule r) => _inhibit.PipeInput(r.Name, GdsJson.Serialize(r));

    public void RawAck(string key, byte[] value) => _acks.PipeInput(key, value);

    public void Acknowledge(string dedupKey, string instance, string by, DateTimeOffset at) =>
        _acks.PipeInput(dedupKey, GdsJson.Serialize(new Gds.Contracts.Alerts.Ack { AlertId = dedupKey, InstanceId = instance, By = by, At = at }));

    public void Sample(string instance, double value, DateTimeOffset at, string metric = "pg_connections_used_ratio", IReadOnlyDictionary<string, string>? labels = null)
    {
        var m = new Metric
        {
            Timestamp = at,
            DatabaseType = DatabaseTypes.PostgreSql,
            InstanceId = instance,
            MetricName = metric,
            Value = value,
            Tags = new Dictionary<string, string> { ["environment"] = "production", ["region"] = "us-east-1" },
            Labels = labels ?? SeriesLabels.None,
        };
        _metrics.PipeInput(instance, _codec.Encode(MetricsTopic, m), at.UtcDateTime, new Confluent.Kafka.Headers());
    }

    public void Raw(string key, byte[] value) => _metrics.PipeInput(key, value);

    public List<AlertEvent> ReadAlerts() =>
        _alerts.ReadKeyValueList().Select(r =>
        {
            var e = _codec.Decode<AlertEvent>(TopicNames.Alerts, r.Message.Value);
            Assert.Equal(e.InstanceId, r.Message.Key);
            return e;
        }).ToList();

    /// <summary>gds.alerts as written, undecoded (to see the wire format).</summary>
    public List<Confluent.Kafka.ConsumeResult<string, byte[]>> ReadRawAlerts() => _alerts.ReadKeyValueList().ToList();

    public List<Confluent.Kafka.ConsumeResult<string, byte[]>> ReadDlq() => _dlq.ReadKeyValueList().ToList();

    public static Rule ConnectionsRule(string id = "pg-connections-high", string? @for = null, double value = 0.9) => new()
    {
        Id = id,
        Kind = RuleKinds.Threshold,
        Selector = new RuleSelector { Metric = "pg_connections_used_ratio", DatabaseType = "postgresql", Environment = "production" },
        Op = ">",
        Value = value,
        For = @for,
        Severity = Severities.Warning,
        Labels = new Dictionary<string, string> { ["team"] = "dba" },
        Annotations = new Dictionary<string, string>
        {
            ["summary"] = "Connections above 90% on {{instance_id}}",
            ["runbook_url"] = "https://runbooks/pg-connections",
        },
        RoutingKey = "dba-oncall",
    };

    public void Dispose()
    {
        Driver.Dispose();
        try { Directory.Delete(_stateDir, true); } catch (IOException) { }
    }
}

public sealed class TopologyDriverHandle(TopologyTestDriver driver) : IDisposable
{
    public void AdvanceWallClock(TimeSpan by) => driver.AdvanceWallClockTime(by);
    public void Dispose() => driver.Dispose();
}
