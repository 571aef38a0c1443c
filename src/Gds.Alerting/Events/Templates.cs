using System.Globalization;
using System.Text;

namespace Gds.Alerting.Events;

/// <summary>
/// Fills {{name}} placeholders in annotations: instance_id, metric_name, rule_id, database_type, environment,
/// value, expected, severity, series (the series in words: <c>orders@pg-1</c>, or the instance alone), series_labels
/// (<c>{database="orders"}</c>), and any label or tag by its name ({{database}}). Unknown names are left as written
/// so a typo shows.
/// </summary>
public static class Templates
{
    public static string? Render(string? template, IReadOnlyDictionary<string, string> values)
    {
        if (template is null || !template.Contains("{{", StringComparison.Ordinal)) return template;
        var sb = new StringBuilder(template.Length + 32);
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0) { sb.Append(template, i, template.Length - i); break; }
            var close = template.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0) { sb.Append(template, i, template.Length - i); break; }
            sb.Append(template, i, open - i);
            var name = template.AsSpan(open + 2, close - open - 2).Trim().ToString();
            if (name.StartsWith('.')) name = name[1..];
            if (name.StartsWith("labels.", StringComparison.Ordinal)) name = name[7..];
            if (values.TryGetValue(name, out var v)) sb.Append(v);
            else sb.Append(template, open, close + 2 - open);
            i = close + 2;
        }
        return sb.ToString();
    }

    /// <summary>
    /// Six significant digits; from a million on, the whole number: byte counts and rates read 1532287600, not 1.53229E+09.
    /// </summary>
    public static string Number(double? v) => v switch
    {
        null => "",
        { } d when Math.Abs(d) >= 1e6 && Math.Abs(d) < 1e15 => Math.Round(d).ToString("0", CultureInfo.InvariantCulture),
        { } d => d.ToString("G6", CultureInfo.InvariantCulture),
    };
}
