using Gds.Cli.Hosting.Logging;

namespace Gds.Cli.Infrastructure;

/// <summary>Logs for the verbs that do not run on the host (benchmarks, the broker): the same set-up as theirs.</summary>
public static class Logging
{
    public static ILoggerFactory Create(LogLevel? minimum = null) => Create(minimum, null);

    public static ILoggerFactory Create(LogLevel? minimum, Func<bool>? mute, bool verbose = false) =>
        LoggerFactory.Create(b => GdsLogging.Configure(b, new SecretRedactor([]), verbose, minimum, mute));
}
