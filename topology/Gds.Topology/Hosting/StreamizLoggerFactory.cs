using Microsoft.Extensions.Logging.Abstractions;

namespace Gds.Topology.Hosting;

/// <summary>
/// The logger factory Streamiz is given. Streamiz keeps the factory of the last KafkaStream built in a static
/// (Streamiz.Kafka.Net.Crosscutting.Logger) and asks it for loggers whenever a StreamConfig or a task is created,
/// long after the host that owned the factory may have stopped and disposed it: a second verb in one process
/// (in-process tests, `gds dev`) then failed in `new StreamConfig` with ObjectDisposedException. This factory is
/// never disposed by Streamiz's use, and once its host has stopped (or its owner disposed the real factory) it
/// hands out null loggers.
/// </summary>
internal sealed class StreamizLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    private volatile bool _detached;

    /// <summary>The host has stopped: its logging may be disposed any moment now.</summary>
    public void Detach() => _detached = true;

    public ILogger CreateLogger(string categoryName)
    {
        if (_detached) return NullLogger.Instance;
        try
        {
            return inner.CreateLogger(categoryName);
        }
        catch (ObjectDisposedException)
        {
            _detached = true;
            return NullLogger.Instance;
        }
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    /// <summary>The real factory belongs to whoever made the host; Streamiz does not get to end it.</summary>
    public void Dispose()
    {
    }
}
