using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Gds.Warehouse.PostgreSql;

/// <summary>
/// Writes fact rows in PostgreSQL's binary COPY file format (the "Binary Format" section of the COPY reference)
/// onto Npgsql's raw COPY stream. Npgsql's typed importer resolves a converter and runs an async state machine
/// for every value, which made it a fifth of the importer's CPU; the eight fixed columns need none of that.
/// Npgsql still speaks the protocol; this only lays out the bytes of the data, column by column in
/// <see cref="Columns"/> order.
/// </summary>
internal static class FactCopyEncoder
{
    public const string Columns = "sample_time, date_key, instance_key, metric_key, labels_key, value, collection_duration_ms, correlation_id";
    private const short ColumnCount = 8;

    /// <summary>The signature "PGCOPY\n\xff\r\n\0", then no flags and no header extension.</summary>
    private static ReadOnlySpan<byte> Header => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>PostgreSQL counts timestamps in microseconds from 2000-01-01 00:00 UTC.</summary>
    private static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    /// <summary>Everything in a row but the correlation id's text: the field count, eight lengths and seven values.</summary>
    private const int FixedRowBytes = 2 + 8 * 4 + 8 + 4 + 8 + 8 + 8 + 8 + 8;

    private const int ChunkBytes = 1 << 16;

    public static async Task WriteAsync(Stream copy, SampleRow[] rows, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            Header.CopyTo(buffer);
            var used = Header.Length;
            foreach (var row in rows)
            {
                var need = FixedRowBytes + (row.CorrelationId is { } c ? Encoding.UTF8.GetMaxByteCount(c.Length) : 0);
                if (used + need > buffer.Length)
                {
                    await copy.WriteAsync(buffer.AsMemory(0, used), ct);
                    used = 0;
                    if (need > buffer.Length)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(need);
                    }
                }
                used += Encode(buffer.AsSpan(used), row);
            }
            if (used + 2 > buffer.Length)
            {
                await copy.WriteAsync(buffer.AsMemory(0, used), ct);
                used = 0;
            }
            BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(used), -1); // the file trailer
            await copy.WriteAsync(buffer.AsMemory(0, used + 2), ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int Encode(Span<byte> to, in SampleRow row)
    {
        BinaryPrimitives.WriteInt16BigEndian(to, ColumnCount);
        var at = 2;
        at += Int64(to[at..], Microseconds(row.Time));
        at += Int32(to[at..], row.DateKey);
        at += Int64(to[at..], row.InstanceKey);
        at += Int64(to[at..], row.MetricKey);
        at += Int64(to[at..], row.LabelsKey);
        at += Int64(to[at..], BitConverter.DoubleToInt64Bits(row.Value));
        at += row.CollectionDurationMs is { } d ? Int64(to[at..], BitConverter.DoubleToInt64Bits(d)) : Null(to[at..]);
        if (row.CorrelationId is { } id)
        {
            var length = Encoding.UTF8.GetBytes(id, to[(at + 4)..]);
            BinaryPrimitives.WriteInt32BigEndian(to[at..], length);
            at += 4 + length;
        }
        else at += Null(to[at..]);
        return at;
    }

    /// <summary>
    /// Rounded down, not towards zero: a time a fraction of a microsecond before 2000 must stay in 1999, the day
    /// its date key and partition were chosen by.
    /// </summary>
    private static long Microseconds(DateTimeOffset time)
    {
        var ticks = time.UtcTicks - PostgresEpochTicks;
        return ticks >= 0 ? ticks / 10 : (ticks - 9) / 10;
    }

    private static int Int64(Span<byte> to, long value)
    {
        BinaryPrimitives.WriteInt32BigEndian(to, 8);
        BinaryPrimitives.WriteInt64BigEndian(to[4..], value);
        return 12;
    }

    private static int Int32(Span<byte> to, int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(to, 4);
        BinaryPrimitives.WriteInt32BigEndian(to[4..], value);
        return 8;
    }

    private static int Null(Span<byte> to)
    {
        BinaryPrimitives.WriteInt32BigEndian(to, -1);
        return 4;
    }
}
