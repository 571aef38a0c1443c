using Gds.Notify.Tests.Payload;

namespace Gds.Notify.Tests.Delivery;

public class BasicDeliveryTests
{
    [Fact]
    public async Task The_service_receives_the_exact_payload_with_the_token_and_the_offset_is_committed()
    {
        await using var h = await SinkHarness.StartAsync();
        var sink = h.StartSink(h.Options());
        await h.ProduceAsync(Alerts.Firing("evt-1"));

        await h.WaitFor(() => h.DeliveredIds().Count == 1, "one delivery");
        var request = Assert.Single(h.Requests());
        Assert.Equal(NotificationComposerTests.ExpectedJson("evt-1"), request.Body);
        Assert.Equal("Bearer " + SinkHarness.Token, request.Headers["Authorization"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"]);
        // A length, not a chunked body: not every HTTP server reads chunked requests.
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(request.Body).ToString(), request.Headers["Content-Length"]);
        await h.WaitFor(h.AllCommitted, "offset committed after the 2xx");
        Assert.Equal(1, sink.Stats.Delivered);
        Assert.DoesNotContain(h.Logs.Lines, l => l.Contains(SinkHarness.Token));
    }

    [Fact]
    public async Task Silenced_and_inhibited_events_are_committed_without_a_notification()
    {
        await using var h = await SinkHarness.StartAsync();
        var sink = h.StartSink(h.Options());
        await h.ProduceAsync(
            Alerts.Firing("evt-silenced") with { SilencedBy = ["s-1"] },
            Alerts.Firing("evt-inhibited", instance: "prod-db-02") with { InhibitedBy = ["pg-down:prod-db-02"] },
            Alerts.Firing("evt-loud", instance: "prod-db-03"));

        await h.WaitFor(() => sink.Stats.Skipped == 2 && sink.Stats.Delivered == 1, "two skipped, one delivered");
        await h.WaitFor(h.AllCommitted, "all three committed");
        Assert.Equal(["evt-loud"], h.DeliveredIds());
    }

    [Fact]
    public async Task A_record_that_is_not_an_alert_event_goes_to_the_dlq_with_the_reason()
    {
        await using var h = await SinkHarness.StartAsync();
        var sink = h.StartSink(h.Options());
        await h.ProduceRawAsync("prod-db-01", Encoding.UTF8.GetBytes("{\"event_id\": 42"));

        await h.WaitFor(() => sink.Stats.DeadLettered == 1, "dead-lettered");
        var dlq = Assert.Single(h.ReadDlq());
        Assert.Equal("{\"event_id\": 42", Encoding.UTF8.GetString(dlq.Message.Value));
        Assert.Equal("decode", SinkHarness.Header(dlq, ErrorHeaders.ErrorStage));
        Assert.Contains("AlertEvent", SinkHarness.Header(dlq, ErrorHeaders.Error));
        Assert.Equal(TopicNames.Alerts, SinkHarness.Header(dlq, ErrorHeaders.SourceTopic));
        await h.WaitFor(h.AllCommitted, "committed after the DLQ write");
        Assert.Empty(h.Requests());
    }

    [Fact]
    public async Task A_sparse_event_is_delivered_and_one_missing_a_required_field_is_dead_lettered_naming_it()
    {
        await using var h = await SinkHarness.StartAsync();
        var sink = h.StartSink(h.Options());
        const string sparse = "{\"event_id\":\"evt-sparse\",\"status\":\"firing\",\"rule_id\":\"r\",\"dedup_key\":null,\"instance_id\":\"db9\"," +
                              "\"metric_name\":\"m\",\"severity\":\"warning\",\"labels\":null,\"starts_at\":\"2025-01-15T10:30:00Z\",\"event_time\":\"2025-01-15T10:31:00Z\"}";
        const string noRule = "{\"event_id\":\"evt-norule\",\"status\":\"firing\",\"rule_id\":null,\"dedup_key\":\"k\",\"instance_id\":\"db8\"," +
                              "\"metric_name\":\"m\",\"severity\":\"WARNING\",\"starts_at\":\"2025-01-15T10:30:00Z\",\"event_time\":\"2025-01-15T10:31:00Z\"}";
        await h.ProduceRawAsync("db9", Encoding.UTF8.GetBytes(sparse));
        await h.ProduceRawAsync("db8", Encoding.UTF8.GetBytes(noRule));

        await h.WaitFor(() => h.DeliveredIds().Count == 1 && sink.Stats.DeadLettered == 1, "one delivered, one dead-lettered");
        var request = h.Requests()[0];
        Assert.Equal("Alert: r on db9", request.Subject);
        Assert.Contains("What:      rule r on db9\n", request.BodyText);
        Assert.Equal("WARNING", request.Json.GetProperty("severity").GetString());
        Assert.Contains("Labels:    none", request.BodyText);
        var dlq = Assert.Single(h.ReadDlq());
        Assert.Equal("payload", SinkHarness.Header(dlq, ErrorHeaders.ErrorStage));
        Assert.Equal("event evt-norule: rule_id is missing or empty", SinkHarness.Header(dlq, ErrorHeaders.Error));
        await h.WaitFor(h.AllCommitted, "both committed");
    }
}
