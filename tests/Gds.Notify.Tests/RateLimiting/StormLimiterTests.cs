using Gds.Notify.Delivery;
using Gds.Notify.RateLimiting;

namespace Gds.Notify.Tests.RateLimiting;

public class StormLimiterTests
{
    private static AlertRecord Record(AlertEvent e) =>
        new(new ConsumeResult<byte[], byte[]> { Message = new Message<byte[], byte[]>() }, e, "dba", _ => { });

    [Fact]
    public async Task An_event_over_the_limit_is_held_and_rides_with_the_next_notification_of_its_rule_and_instance()
    {
        var flushes = new List<string>();
        using var limiter = new StormLimiter(new RateLimitOptions { Burst = 1, TokensPerPeriod = 1, Period = TimeSpan.FromMilliseconds(200) },
            (key, _) => flushes.Add(key));
        var first = Record(Alerts.Firing("e1"));
        var second = Record(Alerts.Firing("e2", status: AlertStatus.Resolved));
        var otherInstance = Record(Alerts.Firing("e-other", instance: "prod-db-99"));

        Assert.NotNull(limiter.Admit(first));
        Assert.Null(limiter.Admit(second));
        Assert.NotNull(limiter.Admit(otherInstance)); // a bucket per rule + instance
        Assert.Single(flushes);

        await Eventually.True(() => limiter.AvailableTokens(first.AlertKey) >= 1, "bucket refilled");
        var next = limiter.Admit(Record(Alerts.Firing("e3")));
        Assert.NotNull(next);
        Assert.Equal("e3", next.Record.Alert!.EventId);
        Assert.Equal(["e2"], next.HeldBack.Select(r => r.Alert!.EventId));
        Assert.Equal(0, limiter.HeldCount);
        // The flush scheduled for e2 finds nothing left to send.
        Assert.Null(limiter.TakeForFlush(first.AlertKey));
    }

    [Fact]
    public async Task Held_events_with_no_successor_are_flushed_once_the_bucket_refills_carried_by_the_latest()
    {
        using var limiter = new StormLimiter(new RateLimitOptions { Burst = 1, TokensPerPeriod = 1, Period = TimeSpan.FromMilliseconds(200) }, (_, _) => { });
        var key = Record(Alerts.Firing("e0")).AlertKey;
        Assert.NotNull(limiter.Admit(Record(Alerts.Firing("e0"))));
        Assert.Null(limiter.Admit(Record(Alerts.Firing("e1", status: AlertStatus.Resolved))));
        Assert.Null(limiter.Admit(Record(Alerts.Firing("e2"))));
        Assert.Null(limiter.TakeForFlush(key)); // bucket still empty

        await Eventually.True(() => limiter.AvailableTokens(key) >= 1, "bucket refilled");
        var flush = limiter.TakeForFlush(key);
        Assert.NotNull(flush);
        Assert.Equal("e2", flush.Record.Alert!.EventId);
        Assert.Equal(["e1"], flush.HeldBack.Select(r => r.Alert!.EventId));
    }

    [Fact]
    public void Disabled_it_lets_everything_through()
    {
        using var limiter = new StormLimiter(new RateLimitOptions { Enabled = false, Burst = 1 }, (_, _) => throw new InvalidOperationException());
        for (var i = 0; i < 10; i++) Assert.NotNull(limiter.Admit(Record(Alerts.Firing($"e{i}"))));
    }
}
