namespace Gds.Notify.Tests.Resilience;

public class ServiceFailureTests
{
    [Fact]
    public async Task Five_hundreds_for_a_while_then_2xx_give_one_delivery_per_message_id_and_an_empty_dlq()
    {
        await using var h = await SinkHarness.StartAsync(answerOk: false);
        // The first six POSTs get 503 (whichever events they carry), then the service is back. Counted by hand: a
        // WireMock scenario moves between states racily under concurrent requests and once answered a 404.
        var calls = 0;
        h.Service.Given(Request.Create().WithPath("/ingest").UsingPost())
            .RespondWith(Response.Create().WithCallback(_ => Interlocked.Increment(ref calls) <= 6
                ? new WireMock.ResponseMessage { StatusCode = 503, BodyData = new WireMock.Util.BodyData { BodyAsString = "upstream down", DetectedBodyType = WireMock.Types.BodyType.String } }
                : new WireMock.ResponseMessage { StatusCode = 202 }));
        var events = Enumerable.Range(1, 5).Select(i => Alerts.Firing($"evt-5xx-{i}", instance: $"prod-db-{i:00}")).ToArray();
        var sink = h.StartSink(h.Options());
        await h.ProduceAsync(events);

        await h.WaitFor(() => h.DeliveredIds().Count == 5, "five deliveries");
        await h.WaitFor(h.AllCommitted, "all committed");
        Assert.Equal(events.Select(e => e.EventId).Order(), h.DeliveredIds().Order());
        Assert.Equal(6, h.Requests().Count(r => r.Status == 503));
        Assert.Equal(6, sink.Stats.Failed);
        Assert.Empty(h.ReadDlq());
        Assert.Equal(0, sink.Stats.DeadLettered);
    }

    [Fact]
    public async Task A_400_is_not_retried_and_the_event_goes_to_the_dlq_with_status_body_and_attempts()
    {
        await using var h = await SinkHarness.StartAsync(answerOk: false);
        h.Service.Given(Request.Create().WithPath("/ingest").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(400).WithBody("{\"error\":\"db_instance_id unknown\"}"));
        var sink = h.StartSink(h.Options());
        await h.ProduceAsync(Alerts.Firing("evt-400"));

        await h.WaitFor(() => sink.Stats.DeadLettered == 1, "dead-lettered");
        await h.WaitFor(h.AllCommitted, "committed after the DLQ write");
        Assert.Single(h.Requests());
        var dlq = Assert.Single(h.ReadDlq());
        Assert.Equal("400", SinkHarness.Header(dlq, Contracts.Topics.ErrorHeaders.HttpStatus));
        Assert.Equal("{\"error\":\"db_instance_id unknown\"}", SinkHarness.Header(dlq, Contracts.Topics.ErrorHeaders.ResponseBody));
        Assert.Equal("1", SinkHarness.Header(dlq, Contracts.Topics.ErrorHeaders.Attempts));
        Assert.Equal("delivery", SinkHarness.Header(dlq, Contracts.Topics.ErrorHeaders.ErrorStage));
        Assert.Contains("rejected message_id evt-400: HTTP 400", SinkHarness.Header(dlq, Contracts.Topics.ErrorHeaders.Error));
        Assert.Equal("prod-db-01", System.Text.Encoding.UTF8.GetString(dlq.Message.Key));
        Assert.Contains("\"event_id\":\"evt-400\"", System.Text.Encoding.UTF8.GetString(dlq.Message.Value));
    }

    [Fact]
    public async Task A_429_with_retry_after_is_waited_out_as_asked()
    {
        await using var h = await SinkHarness.StartAsync(answerOk: false);
        h.Service.Given(Request.Create().WithPath("/ingest").UsingPost()).InScenario("throttle").WillSetStateTo("open")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "2"));
        h.Service.Given(Request.Create().WithPath("/ingest").UsingPost()).AtPriority(1).InScenario("throttle").WhenStateIs("open").WillSetStateTo("open")
            .RespondWith(Response.Create().WithStatusCode(200));
        var sink = h.StartSink(h.Options());
        await h.ProduceAsync(Alerts.Firing("evt-429"));

        await h.WaitFor(() => h.DeliveredIds().Count == 1, "delivered after the 429");
        var requests = h.Requests();
        Assert.Equal([429, 200], requests.Select(r => r.Status));
        // Backoff alone would have retried within 20 ms; only Retry-After explains the gap.
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromMilliseconds(1900), $"retried after {requests[1].At - requests[0].At}");
        await h.WaitFor(h.AllCommitted, "committed");
        Assert.Empty(h.ReadDlq());
    }

    [Fact]
    public async Task An_attempt_that_times_out_is_retried()
    {
        await using var h = await SinkHarness.StartAsync(answerOk: false);
        // A WireMock scenario moves on only once the delayed answer is written, too late here: count calls instead.
        var calls = 0;
        h.Service.Given(Request.Create().WithPath("/ingest").UsingPost())
            .RespondWith(Response.Create().WithCallback(async _ =>
            {
                if (Interlocked.Increment(ref calls) == 1) await Task.Delay(TimeSpan.FromSeconds(3));
                return new WireMock.ResponseMessage { StatusCode = 200 };
            }));
        var sink = h.StartSink(h.Options(o => o.Retry.AttemptTimeout = TimeSpan.FromMilliseconds(300)));
        await h.ProduceAsync(Alerts.Firing("evt-slow"));

        await h.WaitFor(() => sink.Stats.Delivered == 1, "delivered by the second attempt");
        Assert.True(sink.Stats.Failed >= 1);
        Assert.True(Volatile.Read(ref calls) >= 2);
        await h.WaitFor(h.AllCommitted, "committed");
    }

    [Fact]
    public async Task With_give_up_after_an_event_the_service_never_takes_goes_to_the_dlq()
    {
        await using var h = await SinkHarness.StartAsync(answerOk: false);
        h.AnswerAlways(500, "boom");
        var sink = h.StartSink(h.Options(o => o.Retry.GiveUpAfter = TimeSpan.FromMilliseconds(600)));
        await h.ProduceAsync(Alerts.Firing("evt-never"));

        await h.WaitFor(() => sink.Stats.DeadLettered == 1, "dead-lettered after giving up");
        var dlq = Assert.Single(h.ReadDlq());
        Assert.Equal("500", SinkHarness.Header(dlq, Contracts.Topics.ErrorHeaders.HttpStatus));
        Assert.Contains("gave up on message_id evt-never", SinkHarness.Header(dlq, Contracts.Topics.ErrorHeaders.Error));
        Assert.True(int.Parse(SinkHarness.Header(dlq, Contracts.Topics.ErrorHeaders.Attempts)!) > 1);
        await h.WaitFor(h.AllCommitted, "committed");
    }
}
