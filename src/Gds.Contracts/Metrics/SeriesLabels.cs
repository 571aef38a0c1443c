using System.Text;

namespace Gds.Contracts.Metrics;

/// <summary>
/// The labels that tell readings of one metric on one instance apart (database, lock mode, standby, wait type,
/// warehouse, ...): with instance_id and metric_name they identify a series, as in Prometheus. Written in
/// Prometheus' text form, sorted by name: <c>{database="orders",mode="share"}</c>, values escaped (<c>\\</c>,
/// <c>\"</c>, <c>\n</c>); the empty set is the empty string, so a series without labels keeps the identity it had
/// before labels existed.
/// </summary>
public static class SeriesLabels
{
    public static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    /// <summary><c>{k="v",...}</c> sorted by name with ordinal comparison; "" for no labels.</summary>
    public static string Format(IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is null || labels.Count == 0) return "";
        var sb = new StringBuilder(2 + labels.Count * 24);
        AppendTo(sb, labels);
        return sb.ToString();
    }

    public static void AppendTo(StringBuilder sb, IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is null || labels.Count == 0) return;
        sb.Append('{');
        var first = true;
        foreach (var (k, v) in Sorted(labels))
        {
            if (!first) sb.Append(',');
            first = false;
            sb.Append(k).Append("=\"");
            foreach (var c in v)
            {
                switch (c)
                {
                    case '\\': sb.Append("\\\\"); break;
                    case '"': sb.Append("\\\""); break;
                    case '\n': sb.Append("\\n"); break;
                    default: sb.Append(c); break;
                }
            }
            sb.Append('"');
        }
        sb.Append('}');
    }

    /// <summary>
    /// A short human name for the series: the instance alone without labels, <c>orders@pg-1</c> with one,
    /// <c>ag1/replica-2@mssql-1</c> (values in name order) with several. For alert text, not for identity.
    /// </summary>
    public static string Describe(string instanceId, IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is null || labels.Count == 0) return instanceId;
        return string.Join('/', Sorted(labels).Select(kv => kv.Value)) + "@" + instanceId;
    }

    /// <summary>Reads the text form back; false with a reason for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Dictionary<string, string> labels, out string? error)
    {
        labels = new Dictionary<string, string>(StringComparer.Ordinal);
        error = null;
        if (text.Length == 0) return true;
        if (text[0] != '{' || text[^1] != '}') { error = "labels must be written {name=\"value\",...}"; return false; }
        var i = 1;
        var end = text.Length - 1;
        if (i == end) return true;
        while (true)
        {
            var nameStart = i;
            while (i < end && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
            var name = text[nameStart..i].ToString();
            if (!IsValidName(name)) { error = $"'{name}' is not a label name (letters, digits and '_', not starting with a digit)"; return false; }
            if (i + 1 >= end || text[i] != '=' || text[i + 1] != '"') { error = $"label {name}: expected =\"value\""; return false; }
            i += 2;
            var value = new StringBuilder();
            var closed = false;
            while (i < end)
            {
                var c = text[i++];
                if (c == '"') { closed = true; break; }
                if (c != '\\') { value.Append(c); continue; }
                if (i >= end) break;
                var e = text[i++];
                value.Append(e switch { 'n' => '\n', _ => e });
            }
            if (!closed) { error = $"label {name}: the value's closing quote is missing"; return false; }
            if (!labels.TryAdd(name, value.ToString())) { error = $"label {name} is given twice"; return false; }
            if (i == end) return true;
            if (text[i] != ',') { error = $"after label {name}: expected ',' or '}}'"; return false; }
            i++;
        }
    }

    public static bool IsValidName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    public static bool Same(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b)
    {
        if (ReferenceEquals(a, b)) return true;
        var ca = a?.Count ?? 0;
        if (ca != (b?.Count ?? 0)) return false;
        if (ca == 0) return true;
        foreach (var (k, v) in a!)
            if (!b!.TryGetValue(k, out var other) || !string.Equals(v, other, StringComparison.Ordinal)) return false;
        return true;
    }

    private static IEnumerable<KeyValuePair<string, string>> Sorted(IReadOnlyDictionary<string, string> labels) =>
        labels.Count == 1 ? labels : labels.OrderBy(kv => kv.Key, StringComparer.Ordinal);
}
