using Gds.Monitor.Publishing;

namespace Gds.Monitor.Tests.Support;

/// <summary>An in-memory publisher: what the scheduler would have sent to Kafka, in order.</summary>
public sealed class RecordingPublisher : IMetricPublisher
{
    private readonly ConcurrentQueue<Metric> _metrics = new();
    private readonly Counters _stats = new();

    public IReadOnlyList<Metric> Metrics => _metrics.ToArray();

    public PublisherStatistics Statistics => _stats;

    public Func<string, long> DroppedFor { get; set; } = _ => 0;

    public ValueTask PublishAsync(Metric metric, CancellationToken cancellationToken = default)
    {
        if (!MetricRecords.IsPublishable(metric)) Interlocked.Increment(ref _stats.Rejected);
        else _metrics.Enqueue(metric);
        return ValueTask.CompletedTask;
    }

    public async ValueTask PublishAsync(IReadOnlyList<Metric> metrics, CancellationToken cancellationToken = default)
    {
        foreach (var m in metrics) await PublishAsync(m, cancellationToken);
    }

    public Task<bool> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken = default) => Task.FromResult(true);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public IEnumerable<Metric> For(string instance, string metric) => Metrics.Where(m => m.InstanceId == instance && m.MetricName == metric);

    private sealed class Counters : PublisherStatistics
    {
        public long Rejected;
        public override long Accepted => 0;
        public override long Delivered => 0;
        public override long Pending => 0;
        public override long RejectedNonFinite => Rejected;
        public override long DroppedFromSpool => 0;
        public override long Failed => 0;
        public override long SpoolBytes => 0;
        public override long DroppedFromSpoolFor(string instanceId) => 0;
        public override long FailedFor(string instanceId) => 0;
    }
}
