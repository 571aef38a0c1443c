using System.Collections.Concurrent;
using Avro.Generic;
using Confluent.SchemaRegistry;
using Gds.Contracts.Serialization;
using Gds.Schemas.Catalog;

namespace Gds.Kafka.Wire;

/// <summary>
/// The schema ids and Avro datum readers and writers of one process, from its schema registry through Confluent's
/// <see cref="CachedSchemaRegistryClient"/>: a subject's schema is registered once (its id cached), and a writer's
/// schema is fetched once per id. Thread-safe; only a first use waits on the registry.
/// </summary>
internal sealed class RegistrySchemas(ISchemaRegistryClient client, string url) : IDisposable
{
    private readonly ConcurrentDictionary<string, (int Id, GenericDatumWriter<GenericRecord> Writer)> _writers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(int Id, string? Reader), GenericDatumReader<GenericRecord>> _readers = new();
    private readonly ConcurrentDictionary<int, global::Avro.RecordSchema?> _own = new();

    public string Url => url;

    /// <summary>Why the registry does not answer now (it is down, unreachable, or failing), or null when it does.</summary>
    public async Task<string?> UnansweredAsync(CancellationToken ct)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(ct);
        patience.CancelAfter(TimeSpan.FromSeconds(10)); // a registry behind a black hole would hold the caller for the client's 30 s
        try
        {
            await client.GetAllSubjectsAsync().WaitAsync(patience.Token).ConfigureAwait(false);
            return null;
        }
        catch (SchemaRegistryException ex) when ((int)ex.Status < 500)
        {
            return null; // it answers, if not what a process wanted: not an outage
        }
        catch (Exception ex) when (ex is HttpRequestException or SchemaRegistryException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return $"the schema registry at {url} does not answer: {ex.Message}";
        }
    }

    /// <summary>The id of <paramref name="schema"/> under <c>{topic}-value</c>, registered on first use, and its writer.</summary>
    public (int Id, GenericDatumWriter<GenericRecord> Writer) WriterFor(string topic, SchemaFile schema)
    {
        var subject = SchemaCatalog.ValueSubject(topic);
        if (_writers.TryGetValue(subject, out var known)) return known;
        int id;
        try
        {
            id = client.RegisterSchemaAsync(subject, new Confluent.SchemaRegistry.Schema(schema.Text, SchemaType.Avro)).GetAwaiter().GetResult();
        }
        catch (SchemaRegistryException ex) when (ex.Status == System.Net.HttpStatusCode.Conflict)
        {
            throw new SchemaRegistryUnavailableException($"the schema registry at {url} refuses the {schema.File} schema for {subject} as incompatible with the versions it has: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or SchemaRegistryException or TaskCanceledException)
        {
            throw new SchemaRegistryUnavailableException($"registering the {schema.File} schema for {subject} at {url}: {ex.Message}", ex);
        }
        return _writers.GetOrAdd(subject, (id, new GenericDatumWriter<GenericRecord>(schema.Schema)));
    }

    /// <summary>
    /// The schema of this build that id <paramref name="id"/> stands for, when the writer used exactly it (same
    /// parsed form): its records are read straight to JSON. Null when the writer's schema is another version.
    /// </summary>
    public global::Avro.RecordSchema? OwnSchema(int id, string topic, SchemaFile? readerSchema)
    {
        if (readerSchema is null) return null;
        if (_own.TryGetValue(id, out var known)) return known;
        var writer = ReaderFor(id, topic, readerSchema).WriterSchema;
        return _own.GetOrAdd(id, writer.Equals(readerSchema.Schema) ? readerSchema.Schema : null);
    }

    /// <summary>
    /// A reader of records written with schema <paramref name="id"/>, resolved to <paramref name="readerSchema"/> (the
    /// topic's schema of this build, so a field an older writer lacked takes its default) or to the writer's own.
    /// </summary>
    public GenericDatumReader<GenericRecord> ReaderFor(int id, string topic, SchemaFile? readerSchema)
    {
        var key = (id, readerSchema?.File);
        if (_readers.TryGetValue(key, out var known)) return known;
        Confluent.SchemaRegistry.Schema registered;
        try
        {
            registered = client.GetSchemaAsync(id).GetAwaiter().GetResult();
        }
        catch (SchemaRegistryException ex) when (ex.Status == System.Net.HttpStatusCode.NotFound)
        {
            throw new RecordFormatException($"an Avro record with schema id {id} on {topic}: the schema registry at {url} has no such schema: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or SchemaRegistryException or TaskCanceledException)
        {
            throw new SchemaRegistryUnavailableException($"reading the schema of an Avro record (schema id {id}) on {topic} from {url}: {ex.Message}", ex);
        }
        GenericDatumReader<GenericRecord> reader;
        try
        {
            var writer = global::Avro.Schema.Parse(registered.SchemaString);
            reader = new GenericDatumReader<GenericRecord>(writer, readerSchema?.Schema ?? writer);
        }
        catch (global::Avro.AvroException ex)
        {
            throw new RecordFormatException($"an Avro record with schema id {id} on {topic} cannot be read as {readerSchema?.File ?? "its own schema"}: {ex.Message}", ex);
        }
        return _readers.GetOrAdd(key, reader);
    }

    public void Dispose() => client.Dispose();
}
