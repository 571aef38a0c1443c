namespace Gds.Notify.Tests.Delivery;

public class RestartTests
{
    [Fact]
    public async Task A_sink_killed_mid_batch_and_restarted_delivers_every_event_with_no_new_message_id()
    {
        await using var h = await SinkHarness.StartAsync(answerOk: false);
        h.Service.Given(Request.Create().WithPath("/ingest").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromMilliseconds(40)));
        var events = Enumerable.Range(1, 200)
            .Select(i => Alerts.Firing($"evt-kill-{i:000}", instance: $"db-{i:000}", route: i % 2 == 0 ? "dba" : "payments")).ToArray();
        await h.ProduceAsync(events);

        // No drain: work under way is abandoned at once, as if the process died.
        var options = h.Options(o =>
        {
            o.DrainTimeout = TimeSpan.Zero;
            o.Bulkhead.MaxConcurrencyPerRoute = 4;
        });
        var first = h.StartSink(options);
        await h.WaitFor(() => first.Stats.Delivered >= 40, "part of the batch delivered");
        await first.StopAsync();
        var firstDelivered = first.Stats.Delivered;
        Assert.InRange(firstDelivered, 40, 199);

        var second = h.StartSink(options);
        var expected = events.Select(e => e.EventId).ToHashSet();
        await h.WaitFor(() => h.DeliveredIds().ToHashSet().SetEquals(expected), "every event delivered", TimeSpan.FromSeconds(60));
        await h.WaitFor(h.AllCommitted, "everything committed");
        var ids = h.DeliveredIds();
        Assert.All(ids, id => Assert.Contains(id, expected));
        // Re-sends are only of events whose commit the kill cut off, never of the whole first part.
        Assert.True(ids.Count - expected.Count < firstDelivered, $"{ids.Count - expected.Count} re-sent");
        Assert.Empty(h.ReadDlq());
    }
}
