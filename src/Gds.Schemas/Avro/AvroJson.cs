using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Avro;
using Avro.Generic;
using Gds.Contracts.Serialization;
using Newtonsoft.Json.Linq;

namespace Gds.Schemas.Avro;

/// <summary>
/// Converts a record between the JSON every gds type serializes to (GdsJson: plain objects, ISO-8601 times, null
/// for an absent optional) and Avro's generic form for its schema of schemas/*.avsc. Apache.Avro reads and writes
/// only Avro's own JSON encoding (unions wrapped as {"string": "x"}, times as numbers), which is not what our JSON
/// topics carry, hence this walk over the schema. Field names are the JSON names: SchemaSyncTests keeps them equal.
/// </summary>
public static class AvroJson
{
    /// <summary>The record <paramref name="json"/> as a <see cref="GenericRecord"/> of <paramref name="schema"/>, or a
    /// <see cref="RecordFormatException"/> naming the field that does not fit.</summary>
    public static GenericRecord ToRecord(RecordSchema schema, ReadOnlySpan<byte> json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new RecordFormatException($"{schema.Name}: not JSON: {ex.Message}", ex);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new RecordFormatException($"{schema.Name}: expected a JSON object, got {doc.RootElement.ValueKind}");
            return Record(schema, doc.RootElement, schema.Name);
        }
    }

    /// <summary>The record as GdsJson writes it: what <see cref="ToRecord"/> reads back.</summary>
    public static byte[] ToJson(GenericRecord record)
    {
        // One buffer and writer per thread, reset for each record: on the topology's hot path every Avro metric
        // passes here, and allocating both per record cost more than the Avro decoding itself.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        WriteRecord(writer, record);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    private static GenericRecord Record(RecordSchema schema, JsonElement e, string path)
    {
        var record = new GenericRecord(schema);
        foreach (var field in schema.Fields)
        {
            var fieldPath = path + "." + field.Name;
            object? value;
            if (e.TryGetProperty(field.Name, out var p) && p.ValueKind != JsonValueKind.Null) value = Value(field.Schema, p, fieldPath);
            else if (field.DefaultValue is { } d) value = Default(field.Schema, d, fieldPath);
            else if (IsNullable(field.Schema)) value = null;
            else throw new RecordFormatException($"{fieldPath}: missing, and the schema gives it no default");
            record.Add(field.Name, value);
        }
        return record;
    }

    private static object? Value(Schema schema, JsonElement e, string path)
    {
        try
        {
            return schema switch
            {
                UnionSchema u => Value(Branch(u, e, path), e, path),
                LogicalSchema { LogicalTypeName: "timestamp-millis" } => e.ValueKind == JsonValueKind.Number
                    ? DateTimeOffset.FromUnixTimeMilliseconds(e.GetInt64()).UtcDateTime
                    : DateTimeOffset.Parse(e.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcDateTime,
                RecordSchema r => Expect(e, JsonValueKind.Object, path) ? Record(r, e, path) : null,
                MapSchema m => Expect(e, JsonValueKind.Object, path)
                    ? e.EnumerateObject().ToDictionary(x => x.Name, x => Value(m.ValueSchema, x.Value, $"{path}.{x.Name}"))
                    : null,
                ArraySchema a => Expect(e, JsonValueKind.Array, path)
                    ? e.EnumerateArray().Select((x, i) => Value(a.ItemSchema, x, $"{path}[{i}]")).ToArray()
                    : null,
                PrimitiveSchema { Tag: Schema.Type.String } => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText(),
                PrimitiveSchema { Tag: Schema.Type.Boolean } => e.GetBoolean(),
                PrimitiveSchema { Tag: Schema.Type.Int } => e.ValueKind == JsonValueKind.String ? int.Parse(e.GetString()!, CultureInfo.InvariantCulture) : e.GetInt32(),
                PrimitiveSchema { Tag: Schema.Type.Long } => e.ValueKind == JsonValueKind.String ? long.Parse(e.GetString()!, CultureInfo.InvariantCulture) : e.GetInt64(),
                PrimitiveSchema { Tag: Schema.Type.Double } => Number(e),
                PrimitiveSchema { Tag: Schema.Type.Float } => (float)Number(e),
                PrimitiveSchema { Tag: Schema.Type.Bytes } => e.GetBytesFromBase64(),
                _ => throw new RecordFormatException($"{path}: Avro type {schema.Tag} is not used by gds schemas"),
            };
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or OverflowException)
        {
            throw new RecordFormatException($"{path}: {e.ValueKind} does not fit {schema.Name}: {ex.Message}", ex);
        }
    }

    // GdsJson reads numbers from strings too (NaN, "1.5"), so the same values pass here.
    private static double Number(JsonElement e) =>
        e.ValueKind == JsonValueKind.String ? double.Parse(e.GetString()!, CultureInfo.InvariantCulture) : e.GetDouble();

    private static bool Expect(JsonElement e, JsonValueKind kind, string path) =>
        e.ValueKind == kind ? true : throw new RecordFormatException($"{path}: expected a JSON {kind.ToString().ToLowerInvariant()}, got {e.ValueKind}");

    /// <summary>The branch a non-null JSON value belongs to; gds unions are [null, X].</summary>
    private static Schema Branch(UnionSchema u, JsonElement e, string path) =>
        u.Schemas.FirstOrDefault(s => s.Tag != Schema.Type.Null)
        ?? throw new RecordFormatException($"{path}: a value where the schema allows only null");

    private static bool IsNullable(Schema s) => s is UnionSchema u && u.Schemas.Any(x => x.Tag == Schema.Type.Null);

    private static object? Default(Schema schema, JToken d, string path) => d.Type switch
    {
        JTokenType.Null => null,
        _ when schema is UnionSchema u => Default(u.Schemas[0], d, path), // a union's default is of its first branch
        JTokenType.Object when schema is MapSchema => new Dictionary<string, object?>(),
        JTokenType.Array when schema is ArraySchema a => d.Select((x, i) => Default(a.ItemSchema, x, $"{path}[{i}]")).ToArray(),
        JTokenType.Boolean => d.Value<bool>(),
        JTokenType.String => d.Value<string>(),
        JTokenType.Integer when schema.Tag == Schema.Type.Int => d.Value<int>(),
        JTokenType.Integer when schema.Tag == Schema.Type.Long => d.Value<long>(),
        JTokenType.Integer or JTokenType.Float when schema.Tag == Schema.Type.Float => d.Value<float>(),
        JTokenType.Integer or JTokenType.Float => d.Value<double>(),
        _ => throw new RecordFormatException($"{path}: schema default {d} is not supported"),
    };

    private static void WriteRecord(Utf8JsonWriter w, GenericRecord record)
    {
        w.WriteStartObject();
        foreach (var field in record.Schema.Fields)
        {
            if (record.GetValue(field.Pos) is not { } value) continue; // GdsJson leaves nulls out
            w.WritePropertyName(field.Name);
            WriteValue(w, value);
        }
        w.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter w, object value)
    {
        switch (value)
        {
            case GenericRecord r: WriteRecord(w, r); break;
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case int i: w.WriteNumberValue(i); break;
            case long l: w.WriteNumberValue(l); break;
            case double d when double.IsFinite(d): w.WriteNumberValue(d); break;
            case double d: w.WriteStringValue(d.ToString(CultureInfo.InvariantCulture)); break;
            case float f: WriteValue(w, (double)f); break;
            case DateTime t:
                Span<byte> text = stackalloc byte[32];
                DateTime.SpecifyKind(t, DateTimeKind.Utc).TryFormat(text, out var length, "yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
                w.WriteStringValue(text[..length]);
                break;
            case byte[] bytes: w.WriteBase64StringValue(bytes); break;
            case Dictionary<string, object> map:
                w.WriteStartObject();
                foreach (var (k, v) in map) // the struct enumerator: no allocation per map
                {
                    w.WritePropertyName(k);
                    if (v is null) w.WriteNullValue(); else WriteValue(w, v);
                }
                w.WriteEndObject();
                break;
            case IDictionary<string, object> map:
                w.WriteStartObject();
                foreach (var (k, v) in map)
                {
                    w.WritePropertyName(k);
                    if (v is null) w.WriteNullValue(); else WriteValue(w, v);
                }
                w.WriteEndObject();
                break;
            case System.Collections.IEnumerable items:
                w.WriteStartArray();
                foreach (var item in items)
                    if (item is null) w.WriteNullValue(); else WriteValue(w, item);
                w.WriteEndArray();
                break;
            default: throw new RecordFormatException($"an Avro value of type {value.GetType().Name} has no JSON form here");
        }
    }
}
