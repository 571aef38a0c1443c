using System.Buffers.Binary;
using System.Net.Http.Json;
using System.Text.Json;
using Gds.Contracts.Alerts;
using Gds.Contracts.Metrics;
using Gds.Contracts.Serialization;
using Gds.Contracts.Topics;
using Gds.Kafka.Configuration;
using Gds.Kafka.Wire;
using Gds.Schemas.Registry;

namespace Gds.Kafka.Tests.Wire;

/// <summary>The codec every gds process writes and reads through, against the in-process schema registry.</summary>
public sealed class RecordCodecTests : IAsyncLifetime
{
    private const string Topic = "gds.metrics.postgresql.production";
    private EmbeddedSchemaRegistry _registry = null!;
    private RecordCodec _avro = null!;

    private static readonly Metric Sample = new()
    {
        Timestamp = new DateTimeOffset(2026, 12, 1, 10, 0, 0, 250, TimeSpan.Zero), DatabaseType = "postgresql", InstanceId = "pg-1",
        MetricName = "pg_database_size_bytes", Value = 8_000_000, Tags = new Dictionary<string, string> { ["environment"] = "production" },
        Labels = new Dictionary<string, string> { ["database"] = "orders" },
    };

    public async Task InitializeAsync()
    {
        _registry = await EmbeddedSchemaRegistry.StartAsync();
        _avro = RecordCodec.ForRegistry(_registry.Url);
    }

    public async Task DisposeAsync()
    {
        _avro.Dispose();
        await _registry.DisposeAsync();
    }

    [Fact]
    public async Task An_avro_record_carries_the_registered_schema_id_of_its_topics_subject_and_reads_back_as_the_same_metric()
    {
        var wire = _avro.Encode(Topic, Sample);
        Assert.True(RecordCodec.IsAvro(wire));
        Assert.True(wire.Length < GdsJson.Serialize(Sample).Length, "Avro is smaller than JSON");
        using var http = new HttpClient();
        var latest = await http.GetFromJsonAsync<JsonElement>($"{_registry.Url}/subjects/{Topic}-value/versions/latest");
        Assert.Equal(latest.GetProperty("id").GetInt32(), BinaryPrimitives.ReadInt32BigEndian(wire.AsSpan(1, 4)));
        Assert.Contains("\"Metric\"", latest.GetProperty("schema").GetString());

        var back = _avro.Decode<Metric>(Topic, wire);
        Assert.Equal(GdsJson.SerializeToString(Sample), GdsJson.SerializeToString(back));
    }

    [Fact]
    public async Task Confluents_avro_serdes_read_what_the_codec_writes_and_the_codec_reads_what_they_write()
    {
        using var client = new Confluent.SchemaRegistry.CachedSchemaRegistryClient(new Confluent.SchemaRegistry.SchemaRegistryConfig { Url = _registry.Url });
        var context = new SerializationContext(MessageComponentType.Value, Topic);
        var theirs = await new Confluent.SchemaRegistry.Serdes.AvroDeserializer<Avro.Generic.GenericRecord>(client)
            .DeserializeAsync(_avro.Encode(Topic, Sample), isNull: false, context);
        Assert.Equal("pg-1", theirs["instance_id"]);
        Assert.Equal("orders", ((IDictionary<string, object>)theirs["labels"])["database"]);
        Assert.Equal(Sample.Timestamp.UtcDateTime, theirs["timestamp"]);

        var written = await new Confluent.SchemaRegistry.Serdes.AvroSerializer<Avro.Generic.GenericRecord>(client)
            .SerializeAsync(Gds.Schemas.Avro.AvroJson.ToRecord(Gds.Schemas.Catalog.SchemaCatalog.Metric.Schema, GdsJson.Serialize(Sample)), context);
        Assert.Equal(GdsJson.SerializeToString(Sample), GdsJson.SerializeToString(_avro.Decode<Metric>(Topic, written)));
    }

    [Fact]
    public async Task A_record_written_with_an_older_schema_is_resolved_to_this_builds_and_missing_fields_take_their_defaults()
    {
        // metric.avsc as it was before series labels: a writer still running that release.
        var current = System.Text.Json.Nodes.JsonNode.Parse(Gds.Schemas.Catalog.SchemaCatalog.Metric.Text)!.AsObject();
        var fields = current["fields"]!.AsArray();
        fields.Remove(fields.Single(f => f!["name"]!.GetValue<string>() == "labels"));
        var older = (Avro.RecordSchema)Avro.Schema.Parse(current.ToJsonString());
        using var client = new Confluent.SchemaRegistry.CachedSchemaRegistryClient(new Confluent.SchemaRegistry.SchemaRegistryConfig { Url = _registry.Url });
        var record = Gds.Schemas.Avro.AvroJson.ToRecord(older, GdsJson.Serialize(Sample with { Labels = SeriesLabels.None }));
        var written = await new Confluent.SchemaRegistry.Serdes.AvroSerializer<Avro.Generic.GenericRecord>(client)
            .SerializeAsync(record, new SerializationContext(MessageComponentType.Value, "gds.metrics.postgresql.staging"));

        var read = _avro.Decode<Metric>("gds.metrics.postgresql.staging", written);
        Assert.Equal(("pg-1", 8_000_000.0), (read.InstanceId, read.Value));
        Assert.Empty(read.Labels);
        Assert.True(RecordCodec.IsAvro(written) && BinaryPrimitives.ReadInt32BigEndian(written.AsSpan(1, 4)) != BinaryPrimitives.ReadInt32BigEndian(_avro.Encode(Topic, Sample).AsSpan(1, 4)),
            "the older schema has an id of its own");
    }

    [Fact]
    public void Both_formats_are_read_on_one_topic_whichever_format_the_reader_writes()
    {
        var jsonWriter = RecordCodec.ForRegistry(_registry.Url, WireFormat.Json);
        var asJson = jsonWriter.Encode(Topic, Sample);
        var asAvro = _avro.Encode(Topic, Sample);
        Assert.Equal(GdsJson.Serialize(Sample), asJson);
        foreach (var reader in new[] { jsonWriter, _avro })
        foreach (var value in new[] { asJson, asAvro })
            Assert.Equal("orders", reader.Decode<Metric>(Topic, value).Labels["database"]);
    }

    [Fact]
    public void An_avro_record_reaching_a_process_without_a_registry_is_refused_saying_what_to_set()
    {
        var wire = _avro.Encode(TopicNames.Alerts, new AlertEvent
        {
            EventId = "e", Status = "firing", RuleId = "r", DedupKey = "r:pg-1:up", InstanceId = "pg-1", MetricName = "up",
            Severity = "CRITICAL", StartsAt = DateTimeOffset.UnixEpoch, EventTime = DateTimeOffset.UnixEpoch,
        });
        var ex = Assert.Throws<RecordFormatException>(() => RecordCodec.Json.Decode(TopicNames.Alerts, wire));
        Assert.Contains("no schema registry is configured", ex.Message);
        Assert.Contains("--schema-registry", ex.Message);
        Assert.False(RecordCodec.Json.TryDecode(TopicNames.Alerts, wire, out _, out var error));
        Assert.Equal(ex.Message, error);
    }

    [Fact]
    public void Topics_without_a_schema_stay_json_in_avro_mode()
    {
        var json = """{"episode_id":"x"}"""u8.ToArray();
        Assert.Same(json, _avro.Encode(TopicNames.Watchdog, json));
        Assert.Same(json, _avro.Encode(TopicNames.MetricsDlq, json));
    }

    [Fact]
    public void A_record_that_does_not_fit_the_schema_is_refused_naming_the_field()
    {
        var ex = Assert.Throws<RecordFormatException>(() => _avro.Encode(Topic, """{"timestamp":"2026-12-01T10:00:00Z","database_type":"postgresql","value":1}"""u8.ToArray()));
        Assert.Contains("Metric.instance_id: missing", ex.Message);
    }

    [Fact]
    public void An_unreachable_registry_is_named_and_nothing_is_written()
    {
        using var nowhere = RecordCodec.ForRegistry("http://127.0.0.1:1");
        var ex = Assert.Throws<SchemaRegistryUnavailableException>(() => nowhere.Encode(Topic, Sample));
        Assert.Contains("http://127.0.0.1:1", ex.Message);
        Assert.Contains("metric.avsc", ex.Message);
    }

    [Fact]
    public async Task A_probe_tells_a_registry_that_answers_from_one_that_does_not()
    {
        Assert.Null(await _avro.RegistryUnansweredAsync(CancellationToken.None));
        Assert.Null(await RecordCodec.Json.RegistryUnansweredAsync(CancellationToken.None));
        using var nowhere = RecordCodec.ForRegistry("http://127.0.0.1:1");
        var why = await nowhere.RegistryUnansweredAsync(CancellationToken.None);
        Assert.NotNull(why);
        Assert.StartsWith("the schema registry at http://127.0.0.1:1 does not answer: ", why);
    }

    [Fact]
    public void Options_name_the_key_that_is_wrong()
    {
        Assert.Contains(KafkaOptionsValidator.Problems(new KafkaOptions { BootstrapServers = "b:9092", Format = "avro" }),
            p => p.StartsWith("Kafka:Format: avro needs a schema registry", StringComparison.Ordinal));
        Assert.Contains(KafkaOptionsValidator.Problems(new KafkaOptions { BootstrapServers = "b:9092", Format = "protobuf" }),
            p => p == "Kafka:Format: 'protobuf' is not one of json, avro");
        Assert.Contains(KafkaOptionsValidator.Problems(new KafkaOptions { BootstrapServers = "b:9092", SchemaRegistryUrl = "registry:8081" }),
            p => p.StartsWith("Kafka:SchemaRegistryUrl: 'registry:8081' is not an http:// or https:// URL", StringComparison.Ordinal));
        Assert.Contains(KafkaOptionsValidator.Problems(new KafkaOptions { BootstrapServers = "b:9092", SchemaRegistryUrl = "http://r:8081", SchemaRegistryUsername = "u" }),
            p => p.StartsWith("Kafka:SchemaRegistryUsername: basic auth needs both", StringComparison.Ordinal));
        Assert.Empty(KafkaOptionsValidator.Problems(new KafkaOptions { BootstrapServers = "b:9092", Format = "AVRO", SchemaRegistryUrl = "http://r:8081" }));
    }
}
