using System.Net;
using System.Text;
using System.Text.Json;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Gds.Schemas.Catalog;
using Gds.Schemas.Registry;

namespace Gds.Schemas.Tests.Registry;

/// <summary>The embedded registry driven by Confluent's own client and Avro serdes, as producers and consumers use it.</summary>
public sealed class EmbeddedSchemaRegistryTests : IAsyncLifetime
{
    private const string Subject = "gds.metrics.postgresql.production-value";
    private EmbeddedSchemaRegistry _registry = null!;
    private CachedSchemaRegistryClient _client = null!;

    public async Task InitializeAsync()
    {
        _registry = await EmbeddedSchemaRegistry.StartAsync();
        _client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = _registry.Url });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _registry.DisposeAsync();
    }

    private static Schema Avro(string text) => new(text, SchemaType.Avro);

    [Fact]
    public async Task Registering_gives_a_global_id_and_the_same_schema_again_keeps_it()
    {
        var id = await _client.RegisterSchemaAsync(Subject, Avro(SchemaCatalog.Metric.Text));
        Assert.Equal(id, await _client.RegisterSchemaAsync(Subject, Avro(SchemaCatalog.Metric.Text)));
        var alertId = await _client.RegisterSchemaAsync("gds.alerts-value", Avro(SchemaCatalog.Alert.Text));
        Assert.NotEqual(id, alertId);
        // the same schema under another subject keeps its id: ids are global
        Assert.Equal(id, await _client.RegisterSchemaAsync("gds.metrics.mongodb.production-value", Avro(SchemaCatalog.Metric.Text)));

        var byId = await _client.GetSchemaAsync(id);
        Assert.Equal(SchemaCatalog.Metric.Text, byId.SchemaString);
        Assert.Equal(SchemaType.Avro, byId.SchemaType);

        var latest = await _client.GetLatestSchemaAsync(Subject);
        Assert.Equal((Subject, 1, id), (latest.Subject, latest.Version, latest.Id));
        Assert.Equal(SchemaCatalog.Metric.Text, latest.SchemaString);
        Assert.Equal([1], await _client.GetSubjectVersionsAsync(Subject));
        Assert.Equal(["gds.alerts-value", "gds.metrics.mongodb.production-value", Subject], await _client.GetAllSubjectsAsync());

        var found = await _client.LookupSchemaAsync(Subject, Avro(SchemaCatalog.Metric.Text), ignoreDeletedSchemas: true);
        Assert.Equal((1, id), (found.Version, found.Id));
    }

    [Fact]
    public async Task An_incompatible_evolution_is_refused_naming_the_field_and_a_compatible_one_gets_version_2()
    {
        await _client.RegisterSchemaAsync(Subject, Avro(SchemaCatalog.Metric.Text));
        var valueAsString = SchemaCatalog.Metric.Text.Replace("""{"name": "value", "type": "double"}""", """{"name": "value", "type": "string"}""");
        Assert.NotEqual(SchemaCatalog.Metric.Text, valueAsString);

        Assert.False(await _client.IsCompatibleAsync(Subject, Avro(valueAsString)));
        var refused = await Assert.ThrowsAsync<SchemaRegistryException>(() => _client.RegisterSchemaAsync(Subject, Avro(valueAsString)));
        Assert.Equal(409, refused.ErrorCode);
        Assert.Contains("Metric.value: type changed from double to string", refused.Message);

        var withUnit = SchemaCatalog.Metric.Text.Replace("""{"name": "value", "type": "double"},""", """{"name": "value", "type": "double"}, {"name": "unit", "type": "string", "default": ""},""");
        Assert.NotEqual(SchemaCatalog.Metric.Text, withUnit);
        Assert.True(await _client.IsCompatibleAsync(Subject, Avro(withUnit)));
        await _client.RegisterSchemaAsync(Subject, Avro(withUnit));
        Assert.Equal([1, 2], await _client.GetSubjectVersionsAsync(Subject));

        // NONE lets anything through
        Assert.Equal(Confluent.SchemaRegistry.Compatibility.None, await _client.UpdateCompatibilityAsync(Confluent.SchemaRegistry.Compatibility.None, Subject));
        Assert.Equal(Confluent.SchemaRegistry.Compatibility.None, await _client.GetCompatibilityAsync(Subject));
        Assert.True(await _client.IsCompatibleAsync(Subject, Avro(valueAsString)));
    }

    [Fact]
    public async Task The_global_level_starts_backward_and_can_be_set()
    {
        Assert.Equal(Confluent.SchemaRegistry.Compatibility.Backward, await _client.GetCompatibilityAsync());
        Assert.Equal(Confluent.SchemaRegistry.Compatibility.Full, await _client.UpdateCompatibilityAsync(Confluent.SchemaRegistry.Compatibility.Full));
        Assert.Equal(Confluent.SchemaRegistry.Compatibility.Full, await _client.GetCompatibilityAsync());
        var missing = await Assert.ThrowsAsync<SchemaRegistryException>(() => _client.GetCompatibilityAsync("never-configured"));
        Assert.Equal(40408, missing.ErrorCode);
    }

    [Fact]
    public async Task Confluents_avro_serdes_round_trip_a_metric_through_it()
    {
        var schema = SchemaCatalog.Metric.Schema;
        var record = new GenericRecord(schema);
        record.Add("timestamp", new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc));
        record.Add("database_type", "postgresql");
        record.Add("instance_id", "pg-01");
        record.Add("metric_name", "pg_connections_used_ratio");
        record.Add("value", 0.42);
        record.Add("tags", new Dictionary<string, object> { ["region"] = "eu-west-1" });
        record.Add("labels", new Dictionary<string, object>());
        record.Add("metadata", null);

        var topic = "gds.metrics.postgresql.production";
        var context = new SerializationContext(MessageComponentType.Value, topic);
        var bytes = await new AvroSerializer<GenericRecord>(_client).SerializeAsync(record, context);
        Assert.Equal(0, bytes[0]); // Confluent's wire format: magic byte, then the schema id

        using var fresh = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = _registry.Url });
        var back = await new AvroDeserializer<GenericRecord>(fresh).DeserializeAsync(bytes, isNull: false, context);
        Assert.Equal("pg-01", back["instance_id"]);
        Assert.Equal(0.42, back["value"]);
        Assert.Equal(new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc), back["timestamp"]);
        Assert.Equal([SchemaCatalog.ValueSubject(topic)], await fresh.GetAllSubjectsAsync());
    }

    [Fact]
    public async Task Errors_carry_confluents_codes_and_media_type()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_registry.Url) };
        async Task<(HttpStatusCode Status, int Code, string Media)> Send(HttpMethod method, string path, string? body = null)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, EmbeddedSchemaRegistry.MediaType);
            using var response = await http.SendAsync(request);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return (response.StatusCode, json.RootElement.GetProperty("error_code").GetInt32(), response.Content.Headers.ContentType!.MediaType!);
        }

        Assert.Equal((HttpStatusCode.NotFound, 40401, EmbeddedSchemaRegistry.MediaType), await Send(HttpMethod.Get, "/subjects/nope/versions"));
        Assert.Equal((HttpStatusCode.NotFound, 40403, EmbeddedSchemaRegistry.MediaType), await Send(HttpMethod.Get, "/schemas/ids/99"));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, 42201, EmbeddedSchemaRegistry.MediaType),
            await Send(HttpMethod.Post, "/subjects/s/versions", """{"schema":"{\"type\":\"record\",\"name\":\"X\",\"fields\":[{\"name\":\"a\",\"type\":\"dobule\"}]}"}"""));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, 42203, EmbeddedSchemaRegistry.MediaType), await Send(HttpMethod.Put, "/config", """{"compatibility":"SIDEWAYS"}"""));
        await _client.RegisterSchemaAsync("s", Avro(SchemaCatalog.Ack.Text));
        Assert.Equal((HttpStatusCode.NotFound, 40402, EmbeddedSchemaRegistry.MediaType), await Send(HttpMethod.Get, "/subjects/s/versions/7"));
        Assert.Equal((HttpStatusCode.NotFound, 40403, EmbeddedSchemaRegistry.MediaType), await Send(HttpMethod.Post, "/subjects/s", $$"""{"schema":{{JsonSerializer.Serialize(SchemaCatalog.Alert.Text)}}}"""));
        Assert.Equal((HttpStatusCode.NotFound, 404, EmbeddedSchemaRegistry.MediaType), await Send(HttpMethod.Get, "/no/such/route"));
    }

    [Fact]
    public async Task An_operator_reads_subjects_versions_schemas_and_verbose_compatibility_over_plain_http()
    {
        var id = await _client.RegisterSchemaAsync("gds.rules-value", Avro(SchemaCatalog.Rule.Text));
        using var http = new HttpClient { BaseAddress = new Uri(_registry.Url) };
        Assert.Equal("""["AVRO"]""", await http.GetStringAsync("/schemas/types"));
        Assert.Equal(SchemaCatalog.Rule.Text, await http.GetStringAsync($"/schemas/ids/{id}/schema"));
        Assert.Equal(SchemaCatalog.Rule.Text, await http.GetStringAsync("/subjects/gds.rules-value/versions/latest/schema"));
        Assert.Equal("""[{"subject":"gds.rules-value","version":1}]""", await http.GetStringAsync($"/schemas/ids/{id}/versions"));

        var kindRequired = SchemaCatalog.Rule.Text.Replace("""{"name": "rate", "type": "boolean", "default": false},""", """{"name": "rate", "type": "boolean", "default": false}, {"name": "owner", "type": "string"},""");
        Assert.NotEqual(SchemaCatalog.Rule.Text, kindRequired);
        // curl's default content type; the registry reads the JSON body regardless
        using var response = await http.PostAsync("/compatibility/subjects/gds.rules-value/versions/latest?verbose=true",
            new StringContent(JsonSerializer.Serialize(new { schema = kindRequired }), Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(json.RootElement.GetProperty("is_compatible").GetBoolean());
        Assert.Equal(["Rule.owner: new field without a default cannot be read from old records"],
            json.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_schema_get_one_id_and_one_version()
    {
        var ids = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = _registry.Url });
            return await client.RegisterSchemaAsync(i % 2 == 0 ? "a-value" : "b-value", Avro(SchemaCatalog.Silence.Text));
        })));
        Assert.Single(ids.Distinct());
        Assert.Equal([1], await _client.GetSubjectVersionsAsync("a-value"));
        Assert.Equal([1], await _client.GetSubjectVersionsAsync("b-value"));
    }
}
