namespace Gds.Notify.Tests.RateLimiting;

public class RateLimitSummaryTests
{
    [Fact]
    public async Task A_flapping_alert_sends_one_notification_then_one_summary_of_what_was_held_back()
    {
        await using var h = await SinkHarness.StartAsync();
        var sink = h.StartSink(h.Options(o =>
        {
            o.RateLimit.Burst = 1;
            o.RateLimit.TokensPerPeriod = 1;
            o.RateLimit.Period = TimeSpan.FromSeconds(1.5);
        }));
        // The bucket is taken when an event is admitted, and the next event of the same alert is admitted only
        // after the previous one is delivered; warm the client up so the first delivery is not slowed by JIT.
        await h.ProduceAsync(Alerts.Firing("evt-warmup", instance: "warmup-db"));
        await h.WaitFor(() => h.DeliveredIds().Count == 1, "warm-up delivered");
        var storm = new[]
        {
            Alerts.Firing("evt-f1", status: AlertStatus.Firing),
            Alerts.Firing("evt-f2", status: AlertStatus.Resolved),
            Alerts.Firing("evt-f3", status: AlertStatus.Firing),
            Alerts.Firing("evt-f4", status: AlertStatus.Resolved),
        };
        await h.ProduceAsync(storm);

        await h.WaitFor(() => h.DeliveredIds().Count == 3, "first notification and the summary");
        var requests = h.Requests().Skip(1).ToList();
        Assert.Equal(["evt-f1", "evt-f4"], requests.Select(r => r.MessageId));
        // The summary is carried by the latest held event and lists the ones before it.
        Assert.Equal("Resolved: CPU above 90% on prod-db-01", requests[1].Subject);
        Assert.Contains("Held back by the rate limit since the last notification: 2 events", requests[1].BodyText);
        Assert.Contains("(evt-f2)", requests[1].BodyText);
        Assert.Contains("(evt-f3)", requests[1].BodyText);
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromMilliseconds(500), "the summary waited for the bucket");
        Assert.Equal(3, sink.Stats.HeldBack);
        // The receiver logs a request before the sink has counted its answer: wait for the count, do not race it.
        await h.WaitFor(() => sink.Stats.Delivered == 5, "the sink to count every delivered event");
        await h.WaitFor(h.AllCommitted, "every event committed once its summary was delivered");
    }
}
