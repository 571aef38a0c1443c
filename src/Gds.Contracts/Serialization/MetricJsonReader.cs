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

    // Each field's value in the record before, tried before the look-up in _repeated (see LastSeen).
    private LastSeen _lastDatabaseType, _lastInstanceId, _lastMetricName, _lastTags, _lastLabels, _lastVersion;

    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>
    /// Tried first: a reader allowed to skip comments takes a slower path on every token, and records almost never
    /// hold comments or trailing commas. A record this refuses is read again with <see cref="Options"/>, so what is
    /// accepted, and every reason given, are those of the permissive read.
    /// </summary>
    private static readonly JsonReaderOptions Strict = new();
    private static readonly Dictionary<string, string> EmptyTags = new();

    /// <summary>Reads a record; false with <paramref name="error"/> saying what is wrong when it is not a Metric.</summary>
    public bool TryRead(ReadOnlySpan<byte> json, out Metric? metric, out string? error)
    {
        metric = null;
        try
        {
            if ((error = Read(json, Strict, out metric)) is null) return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException) { }
        try
        {
            error = Read(json, Options, out metric);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            error = ex.Message;
        }
        return error is null;
    }

    private string? Read(ReadOnlySpan<byte> json, JsonReaderOptions options, out Metric? metric)
    {
        metric = null;
        var reader = new Utf8JsonReader(json, options);
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
            switch (FieldOf(ref reader))
            {
                case Field.Timestamp:
                    if (!reader.Read() || reader.TokenType != JsonTokenType.String || !TryReadTimestamp(ref reader, out var t)) return "timestamp: not an ISO 8601 date and time";
                    timestamp = t;
                    break;
                case Field.DatabaseType: if ((problem = ReadRepeatedString(ref reader, "database_type", ref _lastDatabaseType, out databaseType)) is not null) return problem; break;
                case Field.InstanceId: if ((problem = ReadRepeatedString(ref reader, "instance_id", ref _lastInstanceId, out instanceId)) is not null) return problem; break;
                case Field.MetricName: if ((problem = ReadRepeatedString(ref reader, "metric_name", ref _lastMetricName, out metricName)) is not null) return problem; break;
                case Field.Value:
                    if (!reader.Read() || !TryReadNumber(ref reader, out var v)) return "value: not a number";
                    value = v;
                    break;
                case Field.Tags: if ((problem = ReadStringMap(json, ref reader, areLabels: false, out tags)) is not null) return problem; break;
                case Field.Labels: if ((problem = ReadStringMap(json, ref reader, areLabels: true, out labels)) is not null) return problem; break;
                case Field.Metadata when readMetadata: if ((problem = ReadMetadata(ref reader, out metadata)) is not null) return problem; break;
                default:
                    // Unknown properties are ignored, as by the serializer.
                    if (!reader.Read()) return "the record ends inside a field";
                    reader.Skip();
                    break;
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

    /// <summary>
    /// The collectors' form, <c>yyyy-MM-ddTHH:mm:ss[.f…]Z</c> (up to 7 fraction digits), read digit by digit; anything
    /// else goes to <see cref="Utf8JsonReader.TryGetDateTimeOffset"/>, so what is accepted, refused and the values read
    /// are exactly the reader's own. Hand-written because the general parse weighs every ISO 8601 form and offset on
    /// every record, and the collectors always write this one.
    /// </summary>
    private static bool TryReadTimestamp(ref Utf8JsonReader reader, out DateTimeOffset at)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence && TryReadUtc(reader.ValueSpan, out at)) return true;
        return reader.TryGetDateTimeOffset(out at);
    }

    internal static bool TryReadUtc(ReadOnlySpan<byte> s, out DateTimeOffset at)
    {
        at = default;
        if (s.Length < 20 || s.Length > 28 || s[^1] != (byte)'Z' || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':') return false;
        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second)) return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return false;
        long fraction = 0;
        if (s.Length > 20)
        {
            // ".f" to ".fffffff" then Z; longer fractions (which the reader rounds) take the general path.
            var digits = s.Length - 21;
            if (s[19] != '.' || digits < 1 || !Digits(s, 20, digits, out var f)) return false;
            fraction = f;
            for (var i = digits; i < 7; i++) fraction *= 10;
        }
        else if (s[19] != 'Z') return false;
        var ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks + fraction;
        at = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> s, int from, int count, out int value)
    {
        value = 0;
        for (var i = from; i < from + count; i++)
        {
            var d = s[i] - (byte)'0';
            if ((uint)d > 9) return false;
            value = value * 10 + d;
        }
        return true;
    }

    private enum Field { Other, Timestamp, DatabaseType, InstanceId, MetricName, Value, Tags, Labels, Metadata }

    /// <summary>
    /// Which field the reader is on, by its name's length and bytes (one compare, instead of asking ValueTextEquals
    /// of each name in turn); an escaped name is unescaped first, so it matches as the serializer would match it.
    /// </summary>
    private static Field FieldOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            ReadOnlySpan<byte> text = System.Text.Encoding.UTF8.GetBytes(reader.GetString()!);
            return FieldOf(text);
        }
        return FieldOf(reader.ValueSpan);
    }

    private static Field FieldOf(ReadOnlySpan<byte> name) => name.Length switch
    {
        4 when name.SequenceEqual("tags"u8) => Field.Tags,
        5 when name.SequenceEqual("value"u8) => Field.Value,
        6 when name.SequenceEqual("labels"u8) => Field.Labels,
        8 when name.SequenceEqual("metadata"u8) => Field.Metadata,
        9 when name.SequenceEqual("timestamp"u8) => Field.Timestamp,
        11 when name.SequenceEqual("instance_id"u8) => Field.InstanceId,
        11 when name.SequenceEqual("metric_name"u8) => Field.MetricName,
        13 when name.SequenceEqual("database_type"u8) => Field.DatabaseType,
        _ => Field.Other,
    };

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
        // Skipped in place and, when the set is new, read again from its own bytes: copying the reader to look ahead
        // (a large struct with references) cost more than the look-up it served.
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        var raw = json[start..(int)reader.BytesConsumed];
        ref var last = ref areLabels ? ref _lastLabels : ref _lastTags;
        if (last.TryGet(raw, out map)) return null;
        var repeated = areLabels ? _repeatedLabels : _repeated;
        if (repeated.TryGet(raw, out map))
        {
            last.Remember(raw, map!);
            return null;
        }
        map = new Dictionary<string, string>();
        var inner = new Utf8JsonReader(raw, reader.CurrentState.Options);
        inner.Read();
        while (inner.Read() && inner.TokenType == JsonTokenType.PropertyName)
        {
            var key = inner.GetString()!;
            if (areLabels && !SeriesLabels.IsValidName(key)) return MetricValidator.BadLabelName(key);
            if (!inner.Read() || inner.TokenType != JsonTokenType.String) return $"{field}.{key}: must be a string";
            map[key] = inner.GetString()!;
        }
        if (inner.TokenType != JsonTokenType.EndObject) return $"{field}: must be an object of strings";
        repeated.Add(raw, map);
        last.Remember(raw, map);
        return null;
    }

    private string? ReadRepeatedString(ref Utf8JsonReader reader, string field, ref LastSeen last, out string? value)
    {
        value = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.String) return $"{field}: expected a string, found {reader.TokenType}";
        value = _repeated.GetString(ref reader, ref last);
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
            else if (reader.ValueTextEquals("version"u8)) { if (ReadRepeatedString(ref reader, "metadata.version", ref _lastVersion, out var v) is { } problem) return problem; version = v!; }
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
