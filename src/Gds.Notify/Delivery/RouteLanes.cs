using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Polly;
using Polly.RateLimiting;

namespace Gds.Notify.Delivery;

/// <summary>
/// The bulkhead: one lane per route, each with its own concurrency limit (Polly's concurrency limiter) and its own
/// count of queued events. A slow route uses up only its own permits and its own queue.
/// </summary>
public sealed class RouteLanes(BulkheadOptions options)
{
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    public Lane For(string route) => _lanes.GetOrAdd(route, r => new Lane(r, options));

    public IEnumerable<Lane> All => _lanes.Values;

    public sealed class Lane
    {
        private readonly BulkheadOptions _options;
        private readonly ResiliencePipeline _pipeline;
        private int _queued;

        internal Lane(string route, BulkheadOptions options)
        {
            Route = route;
            _options = options;
            // The queue is bounded upstream (the consumer parks partitions of a full route), so the limiter itself
            // never has to reject.
            _pipeline = new ResiliencePipelineBuilder()
                .AddConcurrencyLimiter(new ConcurrencyLimiterOptions
                {
                    PermitLimit = options.MaxConcurrencyPerRoute,
                    QueueLimit = int.MaxValue,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                })
                .Build();
        }

        public string Route { get; }

        /// <summary>Events of this route read and not yet finished.</summary>
        public int Queued => Volatile.Read(ref _queued);

        public bool IsFull => Queued >= _options.MaxQueuedPerRoute;

        /// <summary>Room again: below half the queue limit, so a parked partition is not resumed and re-parked at once.</summary>
        public bool HasRoom => Queued < Math.Max(1, _options.MaxQueuedPerRoute / 2);

        public void Enqueued() => Interlocked.Increment(ref _queued);

        public void Dequeued() => Interlocked.Decrement(ref _queued);

        /// <summary>Runs one delivery inside this route's concurrency limit.</summary>
        public ValueTask<T> RunAsync<T>(Func<CancellationToken, ValueTask<T>> work, CancellationToken cancellationToken) =>
            _pipeline.ExecuteAsync(work, cancellationToken);
    }
}
