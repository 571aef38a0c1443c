using System.Text;
using Avro.Generic;
using Avro.IO;
using Gds.Contracts.Alerts;
using Gds.Contracts.Metrics;
using Gds.Contracts.Rules;
using Gds.Contracts.Serialization;
using Gds.Contracts.Silences;
using Gds.Schemas.Avro;
using Gds.Schemas.Catalog;

namespace Gds.Schemas.Tests;

/// <summary>Each gds record survives JSON → Avro binary → JSON unchanged, as a reader of the other format sees it.</summary>
public class AvroJsonTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 8, 30, 15, 123, TimeSpan.Zero);

    [Fact]
    public void A_metric_with_labels_tags_and_metadata_round_trips()
    {
        var m = new Metric
        {
            Timestamp = At, DatabaseType = "postgresql", InstanceId = "pg-1", MetricName = "pg_database_size_bytes", Value = 12.5,
            Tags = new Dictionary<string, string> { ["environment"] = "production" },
            Labels = new Dictionary<string, string> { ["database"] = "orders" },
            Metadata = new MetricMetadata { CollectionDurationMs = 3.25, CorrelationId = "c-1" },
        };
        var back = RoundTrip(SchemaCatalog.Metric, m);
        Assert.Equal(GdsJson.SerializeToString(m), GdsJson.SerializeToString(back));
        Assert.Equal("orders", back.Labels["database"]);
    }

    [Fact]
    public void A_metric_without_optional_fields_takes_the_schema_defaults()
    {
        var json = """{"timestamp":"2026-12-01T08:30:15Z","database_type":"mongodb","instance_id":"m","metric_name":"up","value":1}"""u8.ToArray();
        var record = AvroJson.ToRecord(SchemaCatalog.Metric.Schema, json);
        Assert.Empty((IDictionary<string, object>)record["tags"]);
        Assert.Null(record["metadata"]);
        Assert.Equal(1.0, GdsJson.Deserialize<Metric>(AvroJson.ToJson(record)).Value);
    }

    [Fact]
    public void An_alert_event_with_nullable_times_arrays_and_maps_round_trips()
    {
        var e = new AlertEvent
        {
            EventId = "e1", Status = "resolved", RuleId = "r", DedupKey = "r:pg-1:up", InstanceId = "pg-1", MetricName = "up",
            Severity = "CRITICAL", Value = 0, StartsAt = At, EndsAt = At.AddMinutes(5), EventTime = At.AddMinutes(5),
            Labels = new Dictionary<string, string> { ["team"] = "dba" }, SilencedBy = ["s1", "s2"], Sequence = 3,
        };
        var back = RoundTrip(SchemaCatalog.Alert, e);
        Assert.Equal(GdsJson.SerializeToString(e), GdsJson.SerializeToString(back));
    }

    [Fact]
    public void A_rule_with_nested_records_and_a_silence_with_a_schedule_round_trip()
    {
        var rule = new Rule
        {
            Id = "burn", Kind = "burn_rate", Selector = new RuleSelector { DatabaseType = "postgresql" }, Objective = 0.999,
            Windows = [new BurnRateWindow { Long = "1h", Short = "5m", Factor = 14.4, Severity = "CRITICAL" }],
        };
        Assert.Equal(GdsJson.SerializeToString(rule), GdsJson.SerializeToString(RoundTrip(SchemaCatalog.Rule, rule)));
        var silence = new Silence
        {
            Id = "s", Matchers = ["team=dba"], CreatedBy = "ana", CreatedAt = At,
            Schedule = [new SilenceWindow { Days = ["sunday"], Start = "02:00", End = "04:00", TimeZone = "Europe/Paris" }],
        };
        Assert.Equal(GdsJson.SerializeToString(silence), GdsJson.SerializeToString(RoundTrip(SchemaCatalog.Silence, silence)));
    }

    [Fact]
    public void A_record_that_does_not_fit_its_schema_is_refused_naming_the_field()
    {
        var missing = """{"timestamp":"2026-12-01T08:30:15Z","database_type":"mongodb","instance_id":"m","value":1}"""u8.ToArray();
        Assert.Contains("Metric.metric_name: missing", Assert.Throws<RecordFormatException>(() => AvroJson.ToRecord(SchemaCatalog.Metric.Schema, missing)).Message);
        var wrong = """{"timestamp":"2026-12-01T08:30:15Z","database_type":"mongodb","instance_id":"m","metric_name":"up","value":1,"tags":["x"]}"""u8.ToArray();
        Assert.Contains("Metric.tags: expected a JSON object", Assert.Throws<RecordFormatException>(() => AvroJson.ToRecord(SchemaCatalog.Metric.Schema, wrong)).Message);
    }

    [Fact]
    public void Avro_bytes_that_do_not_follow_the_schema_are_refused_naming_the_record()
    {
        var record = AvroJson.ToRecord(SchemaCatalog.Metric.Schema, GdsJson.Serialize(new Metric
        {
            Timestamp = At, DatabaseType = "postgresql", InstanceId = "pg-1", MetricName = "up", Value = 1,
        }));
        using var buffer = new MemoryStream();
        new GenericDatumWriter<GenericRecord>(SchemaCatalog.Metric.Schema).Write(record, new BinaryEncoder(buffer));
        var bytes = buffer.ToArray();
        Assert.StartsWith("Metric: the Avro body does not follow its schema",
            Assert.Throws<RecordFormatException>(() => AvroBinaryJson.ToJson(SchemaCatalog.Metric.Schema, bytes[..^3])).Message);
        Assert.Equal("Metric: 2 bytes after the record",
            Assert.Throws<RecordFormatException>(() => AvroBinaryJson.ToJson(SchemaCatalog.Metric.Schema, [.. bytes, 0, 0])).Message);
    }

    private static T RoundTrip<T>(SchemaFile schema, T value) where T : class
    {
        var record = AvroJson.ToRecord(schema.Schema, GdsJson.Serialize(value));
        using var buffer = new MemoryStream();
        new GenericDatumWriter<GenericRecord>(schema.Schema).Write(record, new BinaryEncoder(buffer));
        buffer.Position = 0;
        var read = new GenericDatumReader<GenericRecord>(schema.Schema, schema.Schema).Read(null!, new BinaryDecoder(buffer));
        var json = AvroJson.ToJson(read);
        Assert.True(json.Length > 0, Encoding.UTF8.GetString(json));
        // The hot path reads the bytes straight to JSON: the same JSON, byte for byte.
        Assert.Equal(Encoding.UTF8.GetString(json), Encoding.UTF8.GetString(AvroBinaryJson.ToJson(schema.Schema, buffer.ToArray())));
        return GdsJson.Deserialize<T>(json);
    }
}
