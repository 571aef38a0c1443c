using System.Globalization;
using System.Text.Json;

namespace Gds.Alerting.Backtest;

/// <summary>A labelled incident: the span in which detecting it is useful (the earlier the better).</summary>
public readonly record struct LabelWindow(DateTimeOffset Start, DateTimeOffset End)
{
    public TimeSpan Length => End - Start;
    public bool Contains(DateTimeOffset t) => t >= Start && t <= End;
}

/// <summary>A labels file that cannot be used, with what is wrong and where.</summary>
public sealed class LabelFileException(string message) : Exception(message);

/// <summary>
/// The labels of `gds rules backtest --labels FILE`: a JSON object mapping a series to its incident windows,
/// <c>{"db-1:pg_connections_used": [["2025-03-10T10:00:00Z", "2025-03-10T13:00:00Z"]], "db-2:m": []}</c>. A series
/// is named instance_id:metric_name (with its labels as in the dedup key, <c>db-1:m{database="orders"}</c>) or by
/// instance_id alone (every series of that instance). An empty list says the series is normal throughout, so every
/// detection on it is a false alarm; a series the file does not name is not scored.
/// </summary>
public static class LabelFile
{
    public static IReadOnlyDictionary<string, IReadOnlyList<LabelWindow>> Read(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw new LabelFileException($"{path}: {ex.Message}"); }
        return Parse(text, path);
    }

    public static IReadOnlyDictionary<string, IReadOnlyList<LabelWindow>> Parse(string json, string source = "labels")
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException ex) { throw new LabelFileException($"{source}: not valid JSON: {ex.Message}"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new LabelFileException($"{source}: must be a JSON object of series → list of [start, end] windows");
            var result = new Dictionary<string, IReadOnlyList<LabelWindow>>(StringComparer.Ordinal);
            foreach (var series in doc.RootElement.EnumerateObject())
            {
                var where = $"{source}: series '{series.Name}'";
                if (string.IsNullOrWhiteSpace(series.Name)) throw new LabelFileException($"{source}: a series name is empty");
                if (result.ContainsKey(series.Name)) throw new LabelFileException($"{where}: named twice");
                if (series.Value.ValueKind != JsonValueKind.Array) throw new LabelFileException($"{where}: must be a list of [start, end] windows");
                var windows = new List<LabelWindow>();
                var i = 0;
                foreach (var w in series.Value.EnumerateArray())
                {
                    var at = $"{where}: window {i}";
                    if (w.ValueKind != JsonValueKind.Array || w.GetArrayLength() != 2) throw new LabelFileException($"{at}: must be [start, end]");
                    var start = Time(w[0], at + ": start");
                    var end = Time(w[1], at + ": end");
                    if (end <= start) throw new LabelFileException($"{at}: end {Text(end)} is not after start {Text(start)}");
                    windows.Add(new LabelWindow(start, end));
                    i++;
                }
                windows.Sort((a, b) => a.Start.CompareTo(b.Start));
                result[series.Name] = windows;
            }
            return result;
        }
    }

    private static DateTimeOffset Time(JsonElement e, string where)
    {
        if (e.ValueKind == JsonValueKind.String && SampleFiles.TryParseTimestamp(e.GetString(), out var at)) return at;
        if (e.ValueKind == JsonValueKind.Number && SampleFiles.TryParseTimestamp(e.GetRawText(), out at)) return at;
        throw new LabelFileException($"{where}: {e.GetRawText()} is not a timestamp (ISO 8601 such as 2025-03-10T10:00:00Z, or Unix seconds)");
    }

    internal static string Text(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
