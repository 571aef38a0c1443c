using Avro.Generic;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Gds.Contracts.Serialization;
using Gds.Kafka.Configuration;
using Gds.Schemas.Avro;
using Gds.Schemas.Catalog;

namespace Gds.Kafka.Wire;

/// <summary>
/// Every value a gds process writes to or reads from Kafka passes here, between the JSON each gds type serializes
/// to and what is on the wire. Writing follows <see cref="Format"/>: JSON, or Avro in Confluent's wire format (magic
/// byte 0, the 4-byte schema id, the Avro body) through Confluent's serializer, the schema registered under
/// <c>{topic}-value</c>. Reading accepts both on every topic, told apart by the first byte (a JSON record starts
/// with '{' or white space, never 0), so a fleet moves from JSON to Avro without stopping. Topics without a schema
/// (dead-letter queues, gds.watchdog) stay JSON either way.
/// </summary>
public sealed class RecordCodec : IDisposable
{
    private const byte MagicByte = 0;
    private readonly ISchemaRegistryClient? _registry;
    private readonly AvroSerializer<GenericRecord>? _serializer;
    private readonly AvroDeserializer<GenericRecord>? _deserializer;
    private readonly string _registryUrl;

    /// <summary>JSON out; Avro in only through <see cref="ForRegistry"/>.</summary>
    public static RecordCodec Json { get; } = new(WireFormat.Json, null, "");

    private RecordCodec(WireFormat format, ISchemaRegistryClient? registry, string registryUrl)
    {
        Format = format;
        _registry = registry;
        _registryUrl = registryUrl;
        if (registry is null) return;
        _serializer = new AvroSerializer<GenericRecord>(registry, new AvroSerializerConfig { AutoRegisterSchemas = true });
        _deserializer = new AvroDeserializer<GenericRecord>(registry);
    }

    public WireFormat Format { get; }

    /// <summary>The codec <paramref name="options"/> name: its format, and its registry when one is set (JSON
    /// processes with a registry read Avro too).</summary>
    public static RecordCodec From(KafkaOptions options)
    {
        var format = options.EffectiveFormat == "avro" ? WireFormat.Avro : WireFormat.Json;
        if (string.IsNullOrWhiteSpace(options.SchemaRegistryUrl))
            return format == WireFormat.Json ? Json : throw new ArgumentException("Kafka:Format avro needs Kafka:SchemaRegistryUrl", nameof(options));
        var config = new SchemaRegistryConfig { Url = options.SchemaRegistryUrl.Trim() };
        if (!string.IsNullOrWhiteSpace(options.SchemaRegistryUsername))
        {
            config.BasicAuthCredentialsSource = AuthCredentialsSource.UserInfo;
            config.BasicAuthUserInfo = $"{options.SchemaRegistryUsername.Trim()}:{KafkaClientProperties.RegistryPassword(options)}";
        }
        return new RecordCodec(format, new CachedSchemaRegistryClient(config), config.Url);
    }

    /// <summary>A codec on the registry at <paramref name="url"/> (gds dev, tests, benchmarks).</summary>
    public static RecordCodec ForRegistry(string url, WireFormat format = WireFormat.Avro) =>
        From(new KafkaOptions { Format = format == WireFormat.Avro ? "avro" : "json", SchemaRegistryUrl = url });

    /// <summary>True for a value in Confluent's wire format (magic byte 0 and a schema id).</summary>
    public static bool IsAvro(ReadOnlySpan<byte> value) => value.Length >= 5 && value[0] == MagicByte;

    public byte[] Encode<T>(string topic, T value) => Encode(topic, GdsJson.Serialize(value));

    /// <summary>
    /// The wire form of <paramref name="json"/> for <paramref name="topic"/>. Throws <see cref="RecordFormatException"/>
    /// when the record does not fit the topic's schema, and <see cref="SchemaRegistryUnavailableException"/> when the
    /// registry cannot take or give the schema.
    /// </summary>
    public byte[] Encode(string topic, byte[] json)
    {
        if (Format == WireFormat.Json || SchemaCatalog.ForTopic(topic) is not { } schema) return json;
        var record = AvroJson.ToRecord(schema.Schema, json);
        try
        {
            // Completes synchronously once the schema id is cached; only a topic's first record waits on the registry.
            return _serializer!.SerializeAsync(record, new SerializationContext(MessageComponentType.Value, topic)).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is HttpRequestException or SchemaRegistryException or TaskCanceledException)
        {
            throw new SchemaRegistryUnavailableException($"registering the {schema.File} schema for {topic} at {_registryUrl}: {ex.Message}", ex);
        }
    }

    public T Decode<T>(string topic, byte[] value) where T : class => GdsJson.Deserialize<T>(Decode(topic, value));

    /// <summary>The JSON of a value read from <paramref name="topic"/>, whichever format it was written in; throws
    /// <see cref="RecordFormatException"/> naming why it cannot be read.</summary>
    public byte[] Decode(string topic, byte[] value)
    {
        if (!IsAvro(value)) return value;
        if (_deserializer is null)
            throw new RecordFormatException($"an Avro record (schema id {SchemaId(value)}) on {topic}, but no schema registry is configured to read it: set --schema-registry URL or Kafka:SchemaRegistryUrl");
        GenericRecord record;
        try
        {
            record = _deserializer.DeserializeAsync(value, isNull: false, new SerializationContext(MessageComponentType.Value, topic)).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is HttpRequestException or SchemaRegistryException or TaskCanceledException)
        {
            throw new RecordFormatException($"an Avro record with schema id {SchemaId(value)} on {topic}: the schema registry at {_registryUrl} did not give its schema: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is global::Avro.AvroException or InvalidDataException or InvalidOperationException or IndexOutOfRangeException or EndOfStreamException)
        {
            throw new RecordFormatException($"an Avro record with schema id {SchemaId(value)} on {topic} does not decode: {ex.Message}", ex);
        }
        return AvroJson.ToJson(record);
    }

    /// <summary>The decoded JSON, or why there is none, without throwing (the topology's hot path).</summary>
    public bool TryDecode(string topic, byte[] value, out byte[] json, out string error)
    {
        if (!IsAvro(value)) { json = value; error = ""; return true; }
        try
        {
            json = Decode(topic, value);
            error = "";
            return true;
        }
        catch (RecordFormatException ex)
        {
            json = value;
            error = ex.Message;
            return false;
        }
    }

    private static int SchemaId(ReadOnlySpan<byte> value) => System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(value[1..5]);

    public void Dispose() => _registry?.Dispose();
}

public enum WireFormat { Json, Avro }

/// <summary>The schema registry did not take or give a schema: nothing was written, the caller may retry.</summary>
public sealed class SchemaRegistryUnavailableException(string message, Exception inner) : Exception(message, inner);
