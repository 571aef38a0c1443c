using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Avro;
using Gds.Contracts.Serialization;

namespace Gds.Schemas.Avro;

/// <summary>
/// Avro binary straight to the JSON GdsJson reads, walking the writer's schema: what <see cref="AvroJson.ToJson"/>
/// writes from a decoded record, without decoding one. Apache.Avro's reader builds a record, a string per field and
/// a dictionary per map (784 B of garbage per metric, measured); here strings go from the Avro bytes to the JSON
/// bytes as UTF-8 and only the JSON array is allocated, which is the difference on the topology's hot path. It does
/// no schema resolution: the caller uses it when the writer's schema is this build's own, else Apache.Avro's reader.
/// </summary>
public static class AvroBinaryJson
{
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>The JSON of the Avro <paramref name="body"/> written with <paramref name="schema"/>; a
    /// <see cref="RecordFormatException"/> when the bytes do not follow it.</summary>
    public static byte[] ToJson(RecordSchema schema, ReadOnlySpan<byte> body)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        var reader = new Reader(body);
        try
        {
            WriteValue(ref reader, schema, writer);
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException or InvalidOperationException or ArgumentException)
        {
            throw new RecordFormatException($"{schema.Name}: the Avro body does not follow its schema: {ex.Message}", ex);
        }
        if (!reader.AtEnd) throw new RecordFormatException($"{schema.Name}: {reader.Remaining} bytes after the record");
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteValue(ref Reader r, Schema schema, Utf8JsonWriter w)
    {
        switch (schema)
        {
            case RecordSchema record:
                w.WriteStartObject();
                foreach (var field in record.Fields)
                {
                    var fieldSchema = field.Schema;
                    if (fieldSchema is UnionSchema union)
                    {
                        fieldSchema = union.Schemas[checked((int)r.ReadLong())];
                        if (fieldSchema.Tag == Schema.Type.Null) continue; // GdsJson leaves nulls out
                    }
                    w.WritePropertyName(field.Name);
                    WriteValue(ref r, fieldSchema, w);
                }
                w.WriteEndObject();
                break;
            case UnionSchema union:
                var branch = union.Schemas[checked((int)r.ReadLong())];
                if (branch.Tag == Schema.Type.Null) w.WriteNullValue();
                else WriteValue(ref r, branch, w);
                break;
            case LogicalSchema { LogicalTypeName: "timestamp-millis" }:
                Span<byte> text = stackalloc byte[32];
                DateTimeOffset.FromUnixTimeMilliseconds(r.ReadLong()).UtcDateTime
                    .TryFormat(text, out var length, "yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
                w.WriteStringValue(text[..length]);
                break;
            case LogicalSchema logical:
                WriteValue(ref r, logical.BaseSchema, w);
                break;
            case MapSchema map:
                w.WriteStartObject();
                for (var count = r.ReadBlockCount(); count != 0; count = r.ReadBlockCount())
                    for (var i = 0L; i < count; i++)
                    {
                        w.WritePropertyName(r.ReadUtf8());
                        WriteValue(ref r, map.ValueSchema, w);
                    }
                w.WriteEndObject();
                break;
            case ArraySchema array:
                w.WriteStartArray();
                for (var count = r.ReadBlockCount(); count != 0; count = r.ReadBlockCount())
                    for (var i = 0L; i < count; i++) WriteValue(ref r, array.ItemSchema, w);
                w.WriteEndArray();
                break;
            case EnumSchema e:
                w.WriteStringValue(e.Symbols[checked((int)r.ReadLong())]);
                break;
            case FixedSchema f:
                w.WriteBase64StringValue(r.Take(f.Size));
                break;
            default:
                switch (schema.Tag)
                {
                    case Schema.Type.Null: w.WriteNullValue(); break;
                    case Schema.Type.Boolean: w.WriteBooleanValue(r.Take(1)[0] != 0); break;
                    case Schema.Type.Int: w.WriteNumberValue(checked((int)r.ReadLong())); break;
                    case Schema.Type.Long: w.WriteNumberValue(r.ReadLong()); break;
                    case Schema.Type.Float: WriteDouble(w, BinaryPrimitives.ReadSingleLittleEndian(r.Take(4))); break;
                    case Schema.Type.Double: WriteDouble(w, BinaryPrimitives.ReadDoubleLittleEndian(r.Take(8))); break;
                    case Schema.Type.String: w.WriteStringValue(r.ReadUtf8()); break;
                    case Schema.Type.Bytes: w.WriteBase64StringValue(r.Take(checked((int)r.ReadLong()))); break;
                    default: throw new RecordFormatException($"Avro type {schema.Tag} is not used by gds schemas");
                }
                break;
        }
    }

    // As AvroJson.ToJson: JSON has no NaN or infinities, GdsJson reads them from strings.
    private static void WriteDouble(Utf8JsonWriter w, double d)
    {
        if (double.IsFinite(d)) w.WriteNumberValue(d);
        else w.WriteStringValue(d.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Avro's binary encoding: zig-zag varints, little-endian floats, length-prefixed strings, blocked maps and arrays.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _at;

        public readonly bool AtEnd => _at == _data.Length;
        public readonly int Remaining => _data.Length - _at;

        public long ReadLong()
        {
            ulong n = 0;
            for (var shift = 0; ; shift += 7)
            {
                if (shift > 63) throw new OverflowException("a varint longer than 10 bytes");
                var b = _data[_at++];
                n |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) break;
            }
            return (long)(n >> 1) ^ -(long)(n & 1);
        }

        public ReadOnlySpan<byte> Take(int count)
        {
            if (count < 0) throw new OverflowException($"a negative length {count}");
            var s = _data.Slice(_at, count);
            _at += count;
            return s;
        }

        public ReadOnlySpan<byte> ReadUtf8() => Take(checked((int)ReadLong()));

        /// <summary>The next block's item count; a negative count is followed by the block's size in bytes.</summary>
        public long ReadBlockCount()
        {
            var count = ReadLong();
            if (count >= 0) return count;
            ReadLong();
            return -count;
        }
    }
}
