using System.Globalization;

namespace Gds.Alerting.Kinds;

/// <summary>How kinds write numbers, durations and times into alert text: short, invariant, the same everywhere.</summary>
internal static class KindText
{
    public static string Num(double v) =>
        double.IsFinite(v) ? Math.Round(v, Math.Abs(v) >= 1000 ? 0 : Math.Abs(v) >= 1 ? 2 : 4).ToString("0.####", CultureInfo.InvariantCulture) : v.ToString(CultureInfo.InvariantCulture);

    public static string Percent(double share) => (share * 100).ToString(share * 100 >= 10 ? "0.#" : "0.##", CultureInfo.InvariantCulture) + "%";

    public static string Duration(TimeSpan d) => DurationText.Format(d);

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses a duration field already checked by Validate, or takes the default when it is absent.</summary>
    public static TimeSpan DurationOr(string? text, TimeSpan fallback) =>
        string.IsNullOrWhiteSpace(text) ? fallback : DurationText.Parse(text, "duration");

    public static bool IsGlob(string? pattern) => pattern is not null && (pattern.Contains('*') || pattern.Contains('?'));
}
