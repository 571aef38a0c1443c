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
        return LoggerFactory.Create(b => b
            .SetMinimumLevel(level)
            .AddFilter("Streamiz", level > LogLevel.Warning ? level : LogLevel.Warning)
            .AddFilter((category, _) => mute is null || !mute() || category?.StartsWith("Streamiz", StringComparison.Ordinal) != true)
            .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
    }
}
