using System.Threading.RateLimiting;

namespace Gds.Notify.RateLimiting;

/// <summary>
/// A token bucket per rule + instance (System.Threading.RateLimiting, as Polly.RateLimiting uses it). An event that
/// finds its bucket empty is held back, not dropped: it rides along, summarised, with the next notification of the
/// same rule + instance, or, if none comes, with a notification sent as soon as the bucket has a token again.
/// Held events stay unfinished until that notification is delivered, so a restart cannot lose them.
/// </summary>
public sealed class StormLimiter : IDisposable
{
    private readonly RateLimitOptions _options;
    private readonly PartitionedRateLimiter<string> _buckets;
    private readonly Action<string, TimeSpan> _scheduleFlush;
    private readonly object _gate = new();
    private readonly Dictionary<string, List<AlertRecord>> _held = new(StringComparer.Ordinal);

    /// <param name="scheduleFlush">Asked to call <see cref="TakeForFlush"/> for a key after the given delay.</param>
    public StormLimiter(RateLimitOptions options, Action<string, TimeSpan> scheduleFlush)
    {
        _options = options;
        _scheduleFlush = scheduleFlush;
        _buckets = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ =>
            new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.Burst,
                TokensPerPeriod = options.TokensPerPeriod,
                ReplenishmentPeriod = options.Period,
                AutoReplenishment = true,
                QueueLimit = 0,
            }), StringComparer.Ordinal);
    }

    /// <summary>Tokens left in the bucket of a key (for tests and diagnostics).</summary>
    public long AvailableTokens(string key) => _buckets.GetStatistics(key)?.CurrentAvailablePermits ?? 0;

    public int HeldCount { get { lock (_gate) return _held.Values.Sum(l => l.Count); } }

    /// <summary>Either a notice to send now (with whatever was held before it), or null: the record was held back.</summary>
    public AlertNotice? Admit(AlertRecord record)
    {
        if (!_options.Enabled) return new AlertNotice(record, []);
        using var lease = _buckets.AttemptAcquire(record.AlertKey);
        lock (_gate)
        {
            if (lease.IsAcquired) return new AlertNotice(record, TakeHeld(record.AlertKey));
            var first = !_held.TryGetValue(record.AlertKey, out var list);
            if (first) _held[record.AlertKey] = list = [];
            list!.Add(record);
            if (first) _scheduleFlush(record.AlertKey, RetryAfter(lease));
            return null;
        }
    }

    /// <summary>
    /// The held events of a key as one notice (the latest carries the others), when the bucket has a token;
    /// null when nothing is held or the bucket is still empty (then a new flush is scheduled).
    /// </summary>
    public AlertNotice? TakeForFlush(string key)
    {
        lock (_gate)
        {
            if (!_held.TryGetValue(key, out var list) || list.Count == 0) return null;
        }
        using var lease = _buckets.AttemptAcquire(key);
        lock (_gate)
        {
            if (!_held.TryGetValue(key, out var list) || list.Count == 0) return null;
            if (!lease.IsAcquired)
            {
                _scheduleFlush(key, RetryAfter(lease));
                return null;
            }
            _held.Remove(key);
            return new AlertNotice(list[^1], list.GetRange(0, list.Count - 1));
        }
    }

    private List<AlertRecord> TakeHeld(string key)
    {
        if (!_held.Remove(key, out var list)) return [];
        return list;
    }

    private TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var ra) && ra > TimeSpan.Zero ? ra : _options.Period;

    public void Dispose() => _buckets.Dispose();
}
