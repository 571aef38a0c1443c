using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Gds.Contracts.Metrics;
using System.Text.Json;

namespace Gds.Alerting.Backtest;

/// <summary>The identity given to the samples of a CSV file, which holds only timestamp,value for one series.</summary>
public sealed record CsvSeries(string Metric, string InstanceId, string DatabaseType, string Environment)
{
    public IReadOnlyDictionary<string, string> Tags { get; } = new Dictionary<string, string> { ["environment"] = Environment };
}

/// <summary>A problem in the input file, with its line.</summary>
public sealed class SampleFileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Streams samples from a file without loading it: JSON lines in the Metric shape (gds.metrics records), or a CSV
/// of timestamp,value for one series. The format is taken from the extension (.csv) or else from the first
/// character ('{' for JSON).
/// </summary>
public static class SampleFiles
{
    /// <summary>Opens a sample file for streaming; a name ending in .gz is decompressed as it is read.</summary>
    public static Stream Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16) : file;
    }

    /// <summary>The name whose extension tells the format: without a trailing .gz.</summary>
    public static string InnerName(string path) =>
        path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;

    public static bool LooksLikeCsv(string path, Stream stream)
    {
        if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) return true;
        if (path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return false;
        if (!stream.CanSeek) return false;
        var pos = stream.Position;
        try
        {
            int b;
            while ((b = stream.ReadByte()) >= 0)
                if (!char.IsWhiteSpace((char)b) && b != 0xEF && b != 0xBB && b != 0xBF) return b != '{';
            return false;
        }
        finally { stream.Position = pos; }
    }

    /// <summary>JSON lines, one Metric per line; blank lines are skipped, a bad line stops with its number.</summary>
    public static IEnumerable<Metric> ReadJsonLines(Stream stream)
    {
        var parser = new MetricLineParser();
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            int start = 0, end = 0;
            long line = 0;
            while (true)
            {
                var nl = IndexOfNewline(buffer, start, end);
                if (nl < 0)
                {
                    // Move the partial line to the front, grow if one line is larger than the buffer, read more.
                    if (start > 0)
                    {
                        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        start = 0;
                    }
                    if (end == buffer.Length)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        Buffer.BlockCopy(buffer, 0, bigger, 0, end);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    var read = stream.Read(buffer, end, buffer.Length - end);
                    if (read > 0) { end += read; continue; }
                    if (end > start)
                    {
                        line++;
                        if (ParseJson(parser, buffer, start, end - start, line) is { } last) yield return last;
                    }
                    yield break;
                }
                line++;
                var metric = ParseJson(parser, buffer, start, nl - start, line);
                start = nl + 1;
                if (metric is not null) yield return metric;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// timestamp,value lines for one series. The timestamp is ISO 8601 or Unix epoch seconds (milliseconds when
    /// larger than 10^11). A first line that does not parse is taken as a header; blank and '#' lines are skipped.
    /// </summary>
    public static IEnumerable<Metric> ReadCsv(Stream stream, CsvSeries series)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        long line = 0;
        string? text;
        while ((text = reader.ReadLine()) is not null)
        {
            line++;
            var span = text.AsSpan().Trim();
            if (span.IsEmpty || span[0] == '#') continue;
            var comma = span.IndexOf(',');
            if (comma < 0) throw new SampleFileException($"line {line}: expected timestamp,value but found no comma");
            var tsText = span[..comma].Trim().Trim('"');
            var valueText = span[(comma + 1)..].Trim().Trim('"');
            var extra = valueText.IndexOf(',');
            if (extra >= 0) valueText = valueText[..extra].Trim();
            var okTs = TryParseTimestamp(tsText, out var ts);
            var okValue = double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value);
            if (!okTs || !okValue)
            {
                if (line == 1) continue; // header
                throw new SampleFileException(!okTs
                    ? $"line {line}: '{tsText}' is not a timestamp (ISO 8601 such as 2025-01-15T10:30:00Z, or Unix seconds)"
                    : $"line {line}: '{valueText}' is not a number");
            }
            yield return new Metric
            {
                Timestamp = ts,
                DatabaseType = series.DatabaseType,
                InstanceId = series.InstanceId,
                MetricName = series.Metric,
                Value = value,
                Tags = series.Tags,
            };
        }
    }

    public static bool TryParseTimestamp(ReadOnlySpan<char> text, out DateTimeOffset at)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var epoch) && double.IsFinite(epoch))
        {
            var ms = Math.Abs(epoch) > 1e11 ? epoch : epoch * 1000;
            try { at = DateTimeOffset.UnixEpoch.AddMilliseconds(ms); return true; }
            catch (ArgumentOutOfRangeException) { at = default; return false; }
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);
    }

    private static int IndexOfNewline(byte[] buffer, int start, int end)
    {
        var i = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
        return i < 0 ? -1 : start + i;
    }

    private static Metric? ParseJson(MetricLineParser parser, byte[] buffer, int offset, int length, long line)
    {
        var span = buffer.AsSpan(offset, length).Trim((byte)'\r').Trim(" \t"u8);
        if (span.IsEmpty) return null;
        try
        {
            return parser.Parse(span);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            throw new SampleFileException($"line {line}: Metric: {ex.Message}", ex);
        }
    }
}
