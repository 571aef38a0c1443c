using Gds.Monitor.Targets;

namespace Gds.Monitor.Collectors;

/// <summary>
/// Reads one target. One instance per target, so a collector may keep a client (MongoClient, HttpClient) between
/// scrapes; it must honour the token (the scheduler's timeout) and throw <see cref="CollectorFailure"/> for a target
/// that cannot be read.
/// </summary>
public interface ICollector : IAsyncDisposable
{
    Task<IReadOnlyList<Sample>> CollectAsync(CancellationToken cancellationToken);
}

/// <summary>Creates the collector for a target's type.</summary>
public interface ICollectorFactory
{
    ICollector Create(TargetDefinition target);
}

/// <summary>
/// A target that could not be read. The message has been scrubbed of every secret resolved for the attempt, and the
/// driver's exception is deliberately not kept: its text (or a connection string inside it) could carry the password
/// into a log line.
/// </summary>
public sealed class CollectorFailure(string message) : Exception(message)
{
    public static CollectorFailure From(Exception ex, ResolvedSecret? secret)
    {
        var text = ex is CollectorFailure ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
        return new CollectorFailure(secret is null ? text : secret.Redact(text));
    }
}
