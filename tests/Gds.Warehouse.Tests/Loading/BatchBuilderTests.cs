using Confluent.Kafka;
using Gds.Warehouse.Dimensions;

namespace Gds.Warehouse.Tests.Loading;

public class BatchBuilderTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 15, 23, 59, 59, TimeSpan.Zero);

    [Fact]
    public void A_batch_is_full_at_its_row_limit()
    {
        var builder = new BatchBuilder(new BatchOptions { MaxRows = 3, MaxDelay = TimeSpan.FromHours(1) });

        builder.Add(Samples.Metric("a", "m", T0, 1), "production");
        builder.Add(Samples.Metric("a", "m", T0.AddSeconds(1), 1), "production");
        Assert.False(builder.IsFull);
        builder.Add(Samples.Metric("a", "m", T0.AddSeconds(2), 1), "production");

        Assert.True(builder.IsFull);
        var batch = builder.Seal();
        Assert.Equal(3, batch.Rows.Count);
        Assert.Equal([20250115, 20250116], batch.DateKeys.Order());
        Assert.Equal(0, builder.RowCount);
        Assert.True(builder.IsEmpty);
    }

    [Fact]
    public void A_batch_is_due_once_its_first_record_waited_the_maximum_delay()
    {
        var time = new ManualTime();
        var builder = new BatchBuilder(new BatchOptions { MaxRows = 1000, MaxDelay = TimeSpan.FromSeconds(2) }, new DimensionRegistry(), time);
        Assert.False(builder.IsDue); // nothing in it: never due

        builder.Add(Samples.Metric("a", "m", T0, 1), "production");
        time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(builder.IsDue);
        time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.True(builder.IsDue);

        builder.Seal();
        Assert.False(builder.IsDue);
    }

    [Fact]
    public void Offsets_are_the_next_to_read_per_partition_including_records_that_were_not_loaded()
    {
        var builder = new BatchBuilder(new BatchOptions());
        var p0 = new TopicPartition("gds.metrics.postgresql.production", 0);
        var p1 = new TopicPartition("gds.metrics.postgresql.production", 1);

        builder.Track(new TopicPartitionOffset(p0, 10));
        builder.Track(new TopicPartitionOffset(p0, 11));
        builder.Track(new TopicPartitionOffset(p1, 4));
        builder.AddExpired();

        var batch = builder.Seal();
        Assert.Equal(1, batch.Expired);
        Assert.Equal([new TopicPartitionOffset(p0, 12), new TopicPartitionOffset(p1, 5)], batch.Offsets.OrderBy(o => o.Partition.Value));
        Assert.False(batch.IsEmpty);
    }

    [Fact]
    public void Dimension_rows_travel_once_until_an_instance_changes_its_tags()
    {
        var builder = new BatchBuilder(new BatchOptions());
        builder.Add(Samples.Metric("db-1", "cpu_usage_percent", T0, 1), "production");
        builder.Add(Samples.Metric("db-1", "cpu_usage_percent", T0.AddSeconds(15), 2), "production");
        var first = builder.Seal();
        builder.Add(Samples.Metric("db-1", "cpu_usage_percent", T0.AddSeconds(30), 3), "production");
        var second = builder.Seal();
        builder.Add(Samples.Metric("db-1", "cpu_usage_percent", T0.AddSeconds(45), 4, region: "eu-west-1"), "production");
        var third = builder.Seal();

        Assert.Equal((1, 1), (first.Instances.Count, first.Metrics.Count));
        Assert.Equal((0, 0), (second.Instances.Count, second.Metrics.Count));
        Assert.Equal("eu-west-1", Assert.Single(third.Instances).Region);
        Assert.Equal(first.Rows[0].InstanceKey, third.Rows[0].InstanceKey);
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks = 1_000_000;
        public void Advance(TimeSpan by) => _ticks += (long)(by.TotalSeconds * TimestampFrequency);
        public override long GetTimestamp() => _ticks;
        public override long TimestampFrequency => 1_000_000;
    }
}
