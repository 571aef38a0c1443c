using Microsoft.Extensions.Logging;

namespace Gds.Kafka.Wire;

/// <summary>
/// A schema registry outage as one reader or writer lives through it: the record waits and is tried again every
/// <see cref="RetryEvery"/>, and the outage is logged once when it begins, not on every retry.
/// </summary>
/// <param name="waiting">what waits, for the log line: "samples wait in the spool", "alert events wait", …</param>
public sealed class RegistryOutage(ILogger log, string waiting)
{
    public static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(1);
    private bool _down;

    public void Failed(SchemaRegistryUnavailableException ex)
    {
        if (!_down) log.LogWarning("{Waiting}: {Error}; retrying every second", waiting, ex.Message);
        _down = true;
    }

    public void Recovered() => _down = false;
}
