namespace Gds.Monitor.Publishing;

/// <summary>
/// Where samples go. The collector's scheduler and the `gds dev` fleet generator both publish through this, so either
/// can run on the Kafka publisher (with its spool) or on a test double.
/// </summary>
public interface IMetricPublisher : IAsyncDisposable
{
    /// <summary>
    /// Accepts a sample. It returns once the sample is queued durably (on the spool), not when Kafka has it; a
    /// non-finite value is rejected, counted, and not published.
    /// </summary>
    ValueTask PublishAsync(Metric metric, CancellationToken cancellationToken = default);

    /// <summary>Accepts several samples at once (one scrape), keeping their order.</summary>
    ValueTask PublishAsync(IReadOnlyList<Metric> metrics, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits until Kafka has acknowledged every sample accepted before the call. False when <paramref name="timeout"/>
    /// ran out first; the samples then stay queued (on disk) and are sent later or by the next process.
    /// </summary>
    Task<bool> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Counters that the collector republishes as metrics, so that no loss is silent.</summary>
    PublisherStatistics Statistics { get; }
}

/// <summary>What happened to the samples given to a publisher.</summary>
public abstract class PublisherStatistics
{
    /// <summary>Samples accepted.</summary>
    public abstract long Accepted { get; }

    /// <summary>Samples Kafka acknowledged.</summary>
    public abstract long Delivered { get; }

    /// <summary>Samples accepted and not yet acknowledged (waiting in the spool or in flight).</summary>
    public abstract long Pending { get; }

    /// <summary>Samples refused because the value was NaN or ±Infinity.</summary>
    public abstract long RejectedNonFinite { get; }

    /// <summary>Samples dropped unsent because the spool was full (oldest first).</summary>
    public abstract long DroppedFromSpool { get; }

    /// <summary>Samples Kafka refused for good (e.g. record too large, topic missing); each was logged.</summary>
    public abstract long Failed { get; }

    public abstract long DroppedFromSpoolFor(string instanceId);

    public abstract long FailedFor(string instanceId);

    /// <summary>Bytes the spool holds on disk.</summary>
    public abstract long SpoolBytes { get; }
}
