using System.Text.Json;
using Gds.Contracts.Metrics;

namespace Gds.Contracts.Serialization;

/// <summary>
/// Reads a metric record straight off its bytes with Utf8JsonReader: several times cheaper than the general
/// serializer, which is most of a record's CPU in the topology and a third of it in the warehouse importer. It reads
/// what <see cref="GdsJson"/> reads (numbers also as strings, comments, trailing commas; unknown fields skipped) and
/// refuses anything else with a reason naming the field. The strings, tag sets and label sets that repeat across
/// records are taken from <see cref="RepeatedValues"/> instead of being decoded each time: decoding and allocating
/// them was most of what the parse cost. One reader per thread.
/// Its callers choose what a refusal means: the topology dead-letters with the reason; the importer hands the record
/// to <see cref="GdsJson"/>, whose rules and messages stay the contract.
/// </summary>
public sealed class MetricJsonReader(bool readMetadata = true)
{
    private readonly RepeatedValues _repeated = new();

    /// <summary>Apart from the tags: a label set is checked for label names, a tag set with the same bytes was not.</summary>
    private readonly RepeatedValues _repeatedLabels = new();

    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
    private static readonly Dictionary<string, string> EmptyTags = new();

    /// <summary>Reads a record; false with <paramref name="error"/> saying what is wrong when it is not a Metric.</summary>
    public bool TryRead(ReadOnlySpan<byte> json, out Metric? metric, out string? error)
    {
        metric = null;
        try
        {
            error = Read(json, out metric);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            error = ex.Message;
        }
        return error is null;
    }

    private string? Read(ReadOnlySpan<byte> json, out Metric? metric)
    {
        metric = null;
        var reader = new Utf8JsonReader(json, Options);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return "a metric record must be a JSON object";
        DateTimeOffset? timestamp = null;
        string? databaseType = null, instanceId = null, metricName = null;
        double? value = null;
        Dictionary<string, string>? tags = null, labels = null;
        MetricMetadata? metadata = null;
        string? problem;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject) break;
            if (reader.TokenType != JsonTokenType.PropertyName) return $"unexpected {reader.TokenType} among the fields";
            if (reader.ValueTextEquals("timestamp"u8))
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var t)) return "timestamp: not an ISO 8601 date and time";
                timestamp = t;
            }
            else if (reader.ValueTextEquals("database_type"u8)) { if ((problem = ReadRepeatedString(ref reader, "database_type", out databaseType)) is not null) return problem; }
            else if (reader.ValueTextEquals("instance_id"u8)) { if ((problem = ReadRepeatedString(ref reader, "instance_id", out instanceId)) is not null) return problem; }
            else if (reader.ValueTextEquals("metric_name"u8)) { if ((problem = ReadRepeatedString(ref reader, "metric_name", out metricName)) is not null) return problem; }
            else if (reader.ValueTextEquals("value"u8))
            {
                if (!reader.Read() || !TryReadNumber(ref reader, out var v)) return "value: not a number";
                value = v;
            }
            else if (reader.ValueTextEquals("tags"u8)) { if ((problem = ReadStringMap(json, ref reader, areLabels: false, out tags)) is not null) return problem; }
            else if (reader.ValueTextEquals("labels"u8)) { if ((problem = ReadStringMap(json, ref reader, areLabels: true, out labels)) is not null) return problem; }
            else if (readMetadata && reader.ValueTextEquals("metadata"u8)) { if ((problem = ReadMetadata(ref reader, out metadata)) is not null) return problem; }
            else
            {
                // Unknown properties are ignored, as by the serializer.
                if (!reader.Read()) return "the record ends inside a field";
                reader.Skip();
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject) return "the record ends before its closing brace";
        if (reader.Read()) return "unexpected content after the record";
        if (timestamp is null) return Missing("timestamp");
        if (databaseType is null) return Missing("database_type");
        if (instanceId is null) return Missing("instance_id");
        if (metricName is null) return Missing("metric_name");
        if (value is null) return Missing("value");
        metric = new Metric
        {
            Timestamp = timestamp.Value,
            DatabaseType = databaseType,
            InstanceId = instanceId,
            MetricName = metricName,
            Value = value.Value,
            Tags = tags ?? (IReadOnlyDictionary<string, string>)EmptyTags,
            Labels = labels ?? SeriesLabels.None,
            Metadata = metadata,
        };
        return null;
    }

    private static string Missing(string field) => $"missing required field '{field}'";

    /// <summary>A JSON number or, as GdsJson's AllowReadingFromString reads it, a number in a string.</summary>
    private static bool TryReadNumber(ref Utf8JsonReader reader, out double value)
    {
        value = 0;
        if (reader.TokenType == JsonTokenType.Number) return reader.TryGetDouble(out value);
        return reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped
            && System.Buffers.Text.Utf8Parser.TryParse(reader.ValueSpan, out value, out var consumed) && consumed == reader.ValueSpan.Length
            && double.IsFinite(value);
    }

    /// <summary>
    /// The tags or labels object (null reads as none), shared with every earlier record that had the same bytes. The
    /// whole object is looked up at once: a repeated set then also compares equal by reference in the dimension
    /// registry. Labels must have valid label names, checked once per distinct set: a labels object this returns
    /// needs no further check.
    /// </summary>
    private string? ReadStringMap(ReadOnlySpan<byte> json, ref Utf8JsonReader reader, bool areLabels, out Dictionary<string, string>? map)
    {
        map = null;
        var field = areLabels ? "labels" : "tags";
        if (!reader.Read()) return $"{field}: the record ends here";
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.StartObject) return $"{field}: must be an object of strings";
        var start = (int)reader.TokenStartIndex;
        var end = reader;
        end.Skip();
        var raw = json[start..(int)end.BytesConsumed];
        var repeated = areLabels ? _repeatedLabels : _repeated;
        if (repeated.TryGet(raw, out map))
        {
            reader = end;
            return null;
        }
        map = new Dictionary<string, string>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            if (areLabels && !SeriesLabels.IsValidName(key)) return MetricValidator.BadLabelName(key);
            if (!reader.Read() || reader.TokenType != JsonTokenType.String) return $"{field}.{key}: must be a string";
            map[key] = reader.GetString()!;
        }
        if (reader.TokenType != JsonTokenType.EndObject) return $"{field}: must be an object of strings";
        repeated.Add(raw, map);
        return null;
    }

    private string? ReadRepeatedString(ref Utf8JsonReader reader, string field, out string? value)
    {
        value = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.String) return $"{field}: expected a string, found {reader.TokenType}";
        value = _repeated.GetString(ref reader);
        return null;
    }

    private static bool ReadString(ref Utf8JsonReader reader, out string? value)
    {
        value = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.String) return false;
        value = reader.GetString();
        return true;
    }

    private string? ReadMetadata(ref Utf8JsonReader reader, out MetricMetadata? metadata)
    {
        metadata = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return "metadata: must be an object";
        double duration = 0;
        string version = "1.0";
        string? correlation = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("collection_duration_ms"u8))
            {
                if (!reader.Read() || !TryReadNumber(ref reader, out duration)) return "metadata.collection_duration_ms: not a number";
            }
            else if (reader.ValueTextEquals("version"u8)) { if (ReadRepeatedString(ref reader, "metadata.version", out var v) is { } problem) return problem; version = v!; }
            else if (reader.ValueTextEquals("correlation_id"u8)) { if (!ReadString(ref reader, out correlation)) return "metadata.correlation_id: must be a string"; }
            else
            {
                if (!reader.Read()) return "metadata: the record ends here";
                reader.Skip();
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject) return "metadata: must be an object";
        metadata = new MetricMetadata { CollectionDurationMs = duration, Version = version, CorrelationId = correlation };
        return null;
    }
}
