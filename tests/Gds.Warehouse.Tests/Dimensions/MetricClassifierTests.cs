using Gds.Warehouse.Dimensions;
using Gds.Contracts.Metrics.Catalog;

namespace Gds.Warehouse.Tests.Dimensions;

public class MetricClassifierTests
{
    [Theory]
    [InlineData("cpu_usage_percent", "percent", MetricKind.Gauge)]
    [InlineData("replication_lag_seconds", "seconds", MetricKind.Gauge)]
    [InlineData("query_latency_ms", "milliseconds", MetricKind.Gauge)]
    [InlineData("checkpoint_write_time_milliseconds", "milliseconds", MetricKind.Gauge)]
    [InlineData("memory_used_bytes", "bytes", MetricKind.Gauge)]
    [InlineData("cache_hit_ratio", "ratio", MetricKind.Gauge)]
    [InlineData("xact_commit_total", "count", MetricKind.Counter)]
    [InlineData("bytes_written_bytes_total", "bytes", MetricKind.Counter)]
    [InlineData("deadlocks_count", "count", MetricKind.Counter)]
    [InlineData("connections_active", "none", MetricKind.Gauge)]
    [InlineData("_total", "none", MetricKind.Gauge)]
    public void Unit_and_kind_are_read_off_the_name(string name, string unit, MetricKind kind)
    {
        var m = MetricClassifier.Classify(name);

        Assert.Equal((name, unit, kind), (m.Name, m.Unit, m.Kind));
    }

    [Fact]
    public void Keys_are_stable_and_tell_natural_keys_apart()
    {
        Assert.Equal(DimensionKeys.Instance("postgresql", "production", "db-1"), DimensionKeys.Instance("postgresql", "production", "db-1"));
        Assert.NotEqual(DimensionKeys.Instance("postgresql", "production", "db-1"), DimensionKeys.Instance("postgresql", "staging", "db-1"));
        Assert.NotEqual(DimensionKeys.Instance("postgresql", "production", "db-1"), DimensionKeys.Instance("mongodb", "production", "db-1"));
        // Pinned: the key is stored in the warehouse, so changing the derivation would split every instance in two.
        Assert.Equal(DimensionKeys.Metric("cpu_usage_percent"), MetricClassifier.Classify("cpu_usage_percent").Key);
    }
}
