using System.Buffers.Binary;
using Avro.Generic;
using Avro.IO;
using Confluent.SchemaRegistry;
using Gds.Contracts.Serialization;
using Gds.Kafka.Configuration;
using Gds.Schemas.Avro;
using Gds.Schemas.Catalog;

namespace Gds.Kafka.Wire;

/// <summary>
/// Every value a gds process writes to or reads from Kafka passes here, between the JSON each gds type serializes
/// to and what is on the wire. Writing follows <see cref="Format"/>: JSON, or Avro in Confluent's wire format (magic
/// byte 0, the 4-byte big-endian schema id, the Avro binary body), the schema registered under <c>{topic}-value</c>.
/// Reading accepts both on every topic, told apart by the first byte (a JSON record starts with '{' or white space,
/// never 0), so a fleet moves from JSON to Avro without stopping. Topics without a schema (dead-letter queues,
/// gds.watchdog) stay JSON either way.
/// <para>The registry is reached through Confluent's client; the frame and the Avro body are written and read here
/// (Apache.Avro's datum writer; <see cref="AvroBinaryJson"/> for a record of this build's own schema, Apache.Avro's
/// resolving reader for any other) rather than through Confluent's AvroSerializer/AvroDeserializer, which
/// cost 25–100 µs per record on the 2-core machine (measured, 100k records, against 3 µs for the datum reader alone):
/// through them the topology managed 12k metrics/s in `gds bench streams --format avro`. The bytes are the same:
/// RecordCodecTests has Confluent's serdes read what this writes and the other way round.</para>
/// </summary>
public sealed class RecordCodec : IDisposable
{
    private const byte MagicByte = 0;
    private const int FrameLength = 5;
    private readonly RegistrySchemas? _schemas;

    /// <summary>JSON out; Avro in only through <see cref="ForRegistry"/>.</summary>
    public static RecordCodec Json { get; } = new(WireFormat.Json, null);

    private RecordCodec(WireFormat format, RegistrySchemas? schemas)
    {
        Format = format;
        _schemas = schemas;
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
        return new RecordCodec(format, new RegistrySchemas(new CachedSchemaRegistryClient(config), config.Url));
    }

    /// <summary>A codec on the registry at <paramref name="url"/> (gds dev, tests, benchmarks).</summary>
    public static RecordCodec ForRegistry(string url, WireFormat format = WireFormat.Avro) =>
        From(new KafkaOptions { Format = format == WireFormat.Avro ? "avro" : "json", SchemaRegistryUrl = url });

    /// <summary>The schema registry this codec reads and writes through; null for a JSON codec without one.</summary>
    public string? RegistryUrl => _schemas?.Url;

    /// <summary>
    /// Why the registry does not answer now, or null when it does (or the codec has none): tells an outage, which
    /// only delays records, from a failure of whatever was reading or writing them.
    /// </summary>
    public Task<string?> RegistryUnansweredAsync(CancellationToken ct) =>
        _schemas is null ? Task.FromResult<string?>(null) : _schemas.UnansweredAsync(ct);

    /// <summary>
    /// Registers the schema this build writes on <paramref name="topic"/> under the topic's subject now, not at the
    /// first write (a deployment step: a schema the registry finds incompatible is refused before any process
    /// runs), and gives its id; null when the topic carries no schema. Throws
    /// <see cref="SchemaRegistryUnavailableException"/> naming the subject when the registry refuses it or does not answer.
    /// </summary>
    public (int Id, SchemaFile Schema)? Register(string topic)
    {
        if (_schemas is null) throw new InvalidOperationException("this codec has no schema registry");
        return SchemaCatalog.ForTopic(topic) is { } schema ? (_schemas.WriterFor(topic, schema).Id, schema) : null;
    }

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
        var (id, writer) = _schemas!.WriterFor(topic, schema);
        using var buffer = new MemoryStream(json.Length);
        buffer.WriteByte(MagicByte);
        Span<byte> idBytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(idBytes, id);
        buffer.Write(idBytes);
        try
        {
            writer.Write(record, new BinaryEncoder(buffer));
        }
        catch (global::Avro.AvroException ex)
        {
            throw new RecordFormatException($"{schema.Schema.Name}: does not fit {schema.File}: {ex.Message}", ex);
        }
        return buffer.ToArray();
    }

    public T Decode<T>(string topic, byte[] value) where T : class => GdsJson.Deserialize<T>(Decode(topic, value));

    /// <summary>
    /// The JSON of a value read from <paramref name="topic"/>, whichever format it was written in. Throws
    /// <see cref="RecordFormatException"/> naming why the record cannot be read (it never will be), and
    /// <see cref="SchemaRegistryUnavailableException"/> when the registry does not answer now (the caller reads the
    /// record again later instead of dead-lettering it).
    /// </summary>
    public byte[] Decode(string topic, byte[] value)
    {
        if (!IsAvro(value)) return value;
        var id = SchemaId(value);
        if (_schemas is null)
            throw new RecordFormatException($"an Avro record (schema id {id}) on {topic}, but no schema registry is configured to read it: set --schema-registry URL or Kafka:SchemaRegistryUrl");
        var readerSchema = SchemaCatalog.ForTopic(topic);
        if (_schemas.OwnSchema(id, topic, readerSchema) is { } own)
            return AvroBinaryJson.ToJson(own, value.AsSpan(FrameLength));
        var reader = _schemas.ReaderFor(id, topic, readerSchema);
        GenericRecord record;
        try
        {
            using var body = new MemoryStream(value, FrameLength, value.Length - FrameLength, writable: false);
            record = reader.Read(null!, new BinaryDecoder(body));
        }
        catch (Exception ex) when (ex is global::Avro.AvroException or InvalidDataException or InvalidOperationException or IndexOutOfRangeException
                                       or EndOfStreamException or OverflowException or ArgumentException)
        {
            throw new RecordFormatException($"an Avro record with schema id {id} on {topic} does not decode: {ex.Message}", ex);
        }
        return AvroJson.ToJson(record);
    }

    /// <summary>The decoded JSON, or why there is none (the topology's hot path); only an unanswering registry throws.</summary>
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

    public void Dispose() => _schemas?.Dispose();
}

public enum WireFormat { Json, Avro }

/// <summary>The schema registry did not take or give a schema: nothing was written, the caller may retry.</summary>
public sealed class SchemaRegistryUnavailableException(string message, Exception inner) : Exception(message, inner);
