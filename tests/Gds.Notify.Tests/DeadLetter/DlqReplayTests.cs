using Gds.Notify.DeadLetter;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gds.Notify.Tests.DeadLetter;

public class DlqReplayTests
{
    [Fact]
    public async Task Replay_republishes_the_matching_dead_lettered_events_which_are_then_delivered_with_their_message_id()
    {
        await using var h = await SinkHarness.StartAsync(answerOk: false);
        h.Service.Given(Request.Create().WithPath("/ingest").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(422).WithBody("{\"error\":\"unknown routing_key\"}"));
        var a1 = Alerts.Firing("evt-r-a1", rule: "rule-a", instance: "db-1");
        var a2 = Alerts.Firing("evt-r-a2", rule: "rule-a", instance: "db-2");
        var b1 = Alerts.Firing("evt-r-b1", rule: "rule-b", instance: "db-3");
        var sink = h.StartSink(h.Options());
        await h.ProduceAsync(a1, a2, b1);
        await h.WaitFor(() => sink.Stats.DeadLettered == 3, "three dead-lettered");
        await h.WaitFor(h.AllCommitted, "committed");

        // The cause is fixed; replay only rule-a.
        h.Service.ResetMappings();
        h.AnswerAlways(200);
        var replayer = new DlqReplayer(h.Kafka, NullLogger.Instance);
        var dry = await replayer.ReplayAsync(new ReplayFilter(RuleId: "rule-a"), dryRun: true, CancellationToken.None);
        Assert.Equal(2, dry.Replayed);
        Assert.Equal(3, dry.Read);
        Assert.Empty(h.DeliveredIds());

        var report = await replayer.ReplayAsync(new ReplayFilter(RuleId: "rule-a"), dryRun: false, CancellationToken.None);
        Assert.Equal(["evt-r-a1", "evt-r-a2"], report.Events.Select(e => e.EventId!).Order());
        Assert.All(report.Events, e => Assert.Contains("HTTP 422", e.Error));
        await h.WaitFor(() => h.DeliveredIds().Count == 2, "replayed events delivered");
        Assert.Equal(["evt-r-a1", "evt-r-a2"], h.DeliveredIds().Order());
        await h.WaitFor(h.AllCommitted, "replayed records committed");
        var replayed = h.ReadAll(TopicNames.Alerts).Where(r => SinkHarness.Header(r, DlqReplayer.ReplayedFrom) is not null).ToList();
        Assert.Equal(2, replayed.Count);
        Assert.All(replayed, r => Assert.Null(SinkHarness.Header(r, ErrorHeaders.HttpStatus)));

        var none = await replayer.ReplayAsync(new ReplayFilter(Since: DateTimeOffset.UtcNow.AddMinutes(1)), dryRun: true, CancellationToken.None);
        Assert.Equal(0, none.Replayed);
        var all = await replayer.ReplayAsync(new ReplayFilter(Since: DateTimeOffset.UtcNow.AddMinutes(-10)), dryRun: true, CancellationToken.None);
        Assert.Equal(3, all.Replayed);
    }

    [Fact]
    public void Since_is_a_time_or_a_duration_back_from_now()
    {
        var now = new DateTimeOffset(2025, 1, 15, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2025, 1, 15, 10, 0, 0, TimeSpan.Zero), ReplayFilter.ParseSince("2h", now));
        Assert.Equal(new DateTimeOffset(2025, 1, 14, 8, 30, 0, TimeSpan.Zero), ReplayFilter.ParseSince("2025-01-14T08:30:00Z", now));
        var ex = Assert.Throws<FormatException>(() => ReplayFilter.ParseSince("yesterday", now));
        Assert.Contains("--since: 'yesterday'", ex.Message);
    }
}
