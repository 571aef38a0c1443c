namespace Gds.Cli.Hosting.Logging;

/// <summary>
/// One logging set-up for every verb: console on stderr (stdout stays for results), secrets redacted, Information
/// by default (GDS_LOG_LEVEL), Debug for gds's own categories with --verbose. Streamiz logs on every record, so it
/// stays at Warning unless asked for more.
/// </summary>
public static class GdsLogging
{
    public static LogLevel DefaultLevel =>
        Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("GDS_LOG_LEVEL"), true, out var l) ? l : LogLevel.Information;

    /// <param name="mute">when it returns true, Streamiz and librdkafka messages are dropped (e.g. while shutting down)</param>
    public static void Configure(ILoggingBuilder b, SecretRedactor redactor, bool verbose, LogLevel? minimum = null, Func<bool>? mute = null)
    {
        var level = minimum ?? DefaultLevel;
        var gdsLevel = verbose ? LogLevel.Debug : level;
        var streamizLevel = level > LogLevel.Warning ? level : LogLevel.Warning;
        b.ClearProviders();
        b.SetMinimumLevel(level);
        if (mute is null)
        {
            // Plain level rules: Streamiz logs on every record, and a level rule costs it one comparison.
            b.AddFilter("Streamiz", streamizLevel);
            b.AddFilter("Microsoft", level > LogLevel.Warning ? level : LogLevel.Warning);
            b.AddFilter("gds", gdsLevel);
            b.AddFilter("Gds", gdsLevel);
        }
        else
        {
            // The logging library applies only the most specific rule to a category (a separate rule for
            // Streamiz would bypass the mute), and a filter function replaces the minimum level: one function
            // decides all.
            b.AddFilter((category, l) => category switch
            {
                not null when category.StartsWith("Streamiz", StringComparison.Ordinal) => l >= streamizLevel && !mute(),
                not null when category.StartsWith("Microsoft", StringComparison.Ordinal) => l >= LogLevel.Warning,
                not null when category.StartsWith("gds", StringComparison.OrdinalIgnoreCase) => l >= gdsLevel,
                _ => l >= level,
            });
        }
        b.AddProvider(new RedactingLoggerProvider(redactor));
    }
}
