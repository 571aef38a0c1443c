using System.Globalization;

namespace Gds.Contracts.Rules;

/// <summary>Parses the duration strings of rules and configuration: "500ms", "30s", "2m", "1h30m", "6h", "3d", "1w".</summary>
public static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        var total = TimeSpan.Zero;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '.')) i++;
            if (start == i) return false;
            if (!double.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)) return false;
            var unitStart = i;
            while (i < s.Length && char.IsLetter(s[i])) i++;
            var unit = s[unitStart..i];
            var ms = unit switch
            {
                "ms" => 1.0,
                "s" => 1000.0,
                "m" => 60_000.0,
                "h" => 3_600_000.0,
                "d" => 86_400_000.0,
                "w" => 604_800_000.0,
                _ => double.NaN,
            };
            if (double.IsNaN(ms)) return false;
            total += TimeSpan.FromMilliseconds(n * ms);
        }
        value = total;
        return true;
    }

    public static TimeSpan Parse(string text, string what) =>
        TryParse(text, out var v) ? v : throw new FormatException($"{what}: '{text}' is not a duration (use e.g. 30s, 2m, 1h30m, 3d)");

    public static TimeSpan ParseOrDefault(string? text, TimeSpan fallback) =>
        string.IsNullOrWhiteSpace(text) ? fallback : Parse(text, "duration");

    /// <summary>The shortest exact text for a duration, e.g. 90s → "1m30s".</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero) return "0s";
        var parts = new System.Text.StringBuilder();
        var rest = value;
        void Take(TimeSpan unit, string suffix)
        {
            var n = (long)(rest.Ticks / unit.Ticks);
            if (n <= 0) return;
            parts.Append(n.ToString(CultureInfo.InvariantCulture)).Append(suffix);
            rest -= TimeSpan.FromTicks(n * unit.Ticks);
        }
        Take(TimeSpan.FromDays(1), "d");
        Take(TimeSpan.FromHours(1), "h");
        Take(TimeSpan.FromMinutes(1), "m");
        Take(TimeSpan.FromSeconds(1), "s");
        Take(TimeSpan.FromMilliseconds(1), "ms");
        return parts.ToString();
    }
}
