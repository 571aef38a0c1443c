using Microsoft.Extensions.Logging;

namespace Gds.Cli.Infrastructure;

public static class Logging
{
    /// <summary>Console logs on stderr so stdout stays for results; level from GDS_LOG_LEVEL (default Information).</summary>
    public static ILoggerFactory Create(LogLevel? minimum = null) => Create(minimum, null);

    /// <param name="mute">when it returns true, Streamiz and librdkafka messages are dropped (e.g. while shutting down)</param>
    public static ILoggerFactory Create(LogLevel? minimum, Func<bool>? mute)
    {
        var level = minimum ?? (Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("GDS_LOG_LEVEL"), true, out var l) ? l : LogLevel.Information);
        var streamizLevel = level > LogLevel.Warning ? level : LogLevel.Warning;
        return LoggerFactory.Create(b =>
        {
            b.SetMinimumLevel(level);
            if (mute is null)
            {
                // Plain level rules: Streamiz logs on every record, and a level rule costs it one comparison.
                b.AddFilter("Streamiz", streamizLevel);
            }
            else
            {
                // The logging library applies only the most specific rule to a category (a separate rule for
                // Streamiz would bypass the mute), and a filter function replaces the minimum level: one function
                // decides both.
                b.AddFilter((category, l) => category?.StartsWith("Streamiz", StringComparison.Ordinal) == true
                    ? l >= streamizLevel && !mute()
                    : l >= level);
            }
            b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
             .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });
    }
}
