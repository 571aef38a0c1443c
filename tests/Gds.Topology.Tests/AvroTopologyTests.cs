using System.Text;
using Gds.Contracts.Metrics;
using Gds.Kafka.Wire;
using Gds.Schemas.Registry;

namespace Gds.Topology.Tests;

/// <summary>The topology in Avro: rules and samples read in either format, alerts written in Avro, undecodable records dead-lettered.</summary>
public sealed class AvroTopologyTests : IAsyncLifetime
{
    private EmbeddedSchemaRegistry _registry = null!;
    private RecordCodec _codec = null!;

    public async Task InitializeAsync()
    {
        _registry = await EmbeddedSchemaRegistry.StartAsync();
        _codec = RecordCodec.ForRegistry(_registry.Url);
    }

    public async Task DisposeAsync()
    {
        _codec.Dispose();
        await _registry.DisposeAsync();
    }

    [Fact]
    public void Avro_rules_and_a_series_moving_from_json_to_avro_fire_once_and_the_alert_is_written_in_avro()
    {
        using var f = new TopologyFixture(codec: _codec);
        f.PublishRule(TopologyFixture.ConnectionsRule(@for: "30s"));
        var t = TopologyFixture.T0;
        // The pending period starts on a JSON sample and ends on Avro ones: one series, whatever the format.
        f.Raw("pg-1", Gds.Contracts.Serialization.GdsJson.Serialize(Sample(0.95, t)));
        f.Sample("pg-1", 0.96, t.AddSeconds(15));
        f.Sample("pg-1", 0.97, t.AddSeconds(31));
        f.Sample("pg-1", 0.98, t.AddSeconds(45));

        var alerts = f.ReadRawAlerts();
        var firing = Assert.Single(alerts);
        Assert.True(RecordCodec.IsAvro(firing.Message.Value));
        var e = _codec.Decode<AlertEvent>(TopicNames.Alerts, firing.Message.Value);
        Assert.Equal((AlertStatus.Firing, "pg-1", t.AddSeconds(31)), (e.Status, e.InstanceId, e.EventTime));
        Assert.Empty(f.ReadDlq());
    }

    [Fact]
    public void An_avro_record_whose_schema_the_registry_does_not_know_goes_to_the_dlq_with_the_reason_and_its_bytes()
    {
        using var f = new TopologyFixture(codec: _codec);
        f.PublishRule(TopologyFixture.ConnectionsRule());
        byte[] unknown = [0, 0, 0, 0x27, 0x0f, 2, 4, 6];
        f.Raw("pg-1", unknown);
        f.Sample("pg-1", 0.95, TopologyFixture.T0);

        var dead = Assert.Single(f.ReadDlq());
        Assert.Equal(unknown, dead.Message.Value);
        var reason = Encoding.UTF8.GetString(dead.Message.Headers.GetLastBytes(ErrorHeaders.Error));
        Assert.Contains("schema id 9999", reason);
        Assert.Equal("streams:decode", Encoding.UTF8.GetString(dead.Message.Headers.GetLastBytes(ErrorHeaders.ErrorStage)));
        Assert.Single(f.ReadAlerts()); // the stream went on
    }

    [Fact]
    public void Without_a_registry_an_avro_sample_is_dead_lettered_saying_which_setting_is_missing()
    {
        using var f = new TopologyFixture();
        f.PublishRule(TopologyFixture.ConnectionsRule());
        f.Raw("pg-1", _codec.Encode(TopologyFixture.MetricsTopic, Sample(0.95, TopologyFixture.T0)));

        var reason = Encoding.UTF8.GetString(Assert.Single(f.ReadDlq()).Message.Headers.GetLastBytes(ErrorHeaders.Error));
        Assert.Contains("no schema registry is configured", reason);
        Assert.Empty(f.ReadAlerts());
    }

    private static Metric Sample(double value, DateTimeOffset at) => new()
    {
        Timestamp = at, DatabaseType = DatabaseTypes.PostgreSql, InstanceId = "pg-1", MetricName = "pg_connections_used_ratio", Value = value,
        Tags = new Dictionary<string, string> { ["environment"] = "production", ["region"] = "us-east-1" },
    };
}
