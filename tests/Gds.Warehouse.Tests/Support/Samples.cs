using Gds.Warehouse.Dimensions;

namespace Gds.Warehouse.Tests.Support;

public static class Samples
{
    public static Metric Metric(string instance, string name, DateTimeOffset at, double value,
        string type = "postgresql", string env = "production", string region = "us-east-1", string? correlation = null,
        IReadOnlyDictionary<string, string>? labels = null) => new()
    {
        Timestamp = at,
        DatabaseType = type,
        InstanceId = instance,
        MetricName = name,
        Value = value,
        Tags = new Dictionary<string, string> { ["environment"] = env, ["region"] = region },
        Labels = labels ?? SeriesLabels.None,
        Metadata = new MetricMetadata { CollectionDurationMs = 150, CorrelationId = correlation ?? Guid.NewGuid().ToString() },
    };

    /// <summary>Builds one batch out of metrics, the way the importer does.</summary>
    public static ImportBatch Batch(IEnumerable<Metric> metrics, DimensionRegistry? registry = null)
    {
        var builder = new BatchBuilder(new BatchOptions { MaxRows = int.MaxValue }, registry ?? new DimensionRegistry(), TimeProvider.System);
        foreach (var m in metrics) builder.Add(m, m.Environment);
        return builder.Seal();
    }
}

/// <summary>Waits for a condition with a deadline instead of sleeping and hoping.</summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        while (true)
        {
            last = await probe();
            if (done(last)) return last;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what}: not reached within {timeout} (last: {last})");
            await Task.Delay(50);
        }
    }
}
