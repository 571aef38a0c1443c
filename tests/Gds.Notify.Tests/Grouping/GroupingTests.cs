using Gds.Notify.Grouping;

namespace Gds.Notify.Tests.Grouping;

public class GroupingTests
{
    [Fact]
    public async Task Events_of_a_grouped_route_within_group_wait_go_as_one_notification_and_repeats_wait_for_repeat_interval()
    {
        await using var h = await SinkHarness.StartAsync();
        var sink = h.StartSink(h.Options(o => o.Grouping.Routes["dba"] = new GroupRouteOptions
        {
            GroupWait = TimeSpan.FromMilliseconds(700),
            GroupInterval = TimeSpan.FromSeconds(1.5),
            RepeatInterval = TimeSpan.FromHours(1),
        }));
        var grouped = Enumerable.Range(1, 3).Select(i => Alerts.Firing($"evt-g{i}", instance: $"db-{i}", route: "dba")).ToArray();
        var alone = Alerts.Firing("evt-alone", instance: "db-9", route: "payments");
        // The ungrouped event goes first and alone, which also warms up the HTTP client so that request times
        // below measure the grouping timers, not a first connection.
        await h.ProduceAsync(alone);
        await h.WaitFor(() => h.DeliveredIds().Count == 1, "the ungrouped event, at once");
        await h.ProduceAsync(grouped);

        await h.WaitFor(() => h.DeliveredIds().Count == 2, "the ungrouped event and one group notification");
        var requests = h.Requests();
        Assert.Contains("evt-alone", requests.Select(r => r.MessageId));
        var group = requests.Single(r => r.MessageId != "evt-alone");
        Assert.Equal(GroupComposer.MessageId(grouped), group.MessageId);
        Assert.Equal("Alert: [3] CPU above 90% on prod-db-01", group.Subject);
        Assert.StartsWith("3 alerts in group dba/pg-cpu-high (route dba)", group.BodyText);
        foreach (var e in grouped) Assert.Contains($"Event:     {e.EventId}", group.BodyText);
        Assert.Equal("pg-cpu-high", group.Json.GetProperty("alert_name").GetString());
        Assert.Equal("db-1,db-2,db-3", group.Json.GetProperty("db_instance_id").GetString());
        Assert.Equal("CRITICAL", group.Json.GetProperty("severity").GetString());

        // A re-notification of an alert already sent in the same state is held by repeat_interval;
        // a state change goes out, no sooner than group_interval after the last notification of the group.
        var repeat = Alerts.Firing("evt-g1-repeat", instance: "db-1", route: "dba") with { Sequence = 1 };
        var resolved = Alerts.Firing("evt-g2-resolved", instance: "db-2", route: "dba", status: AlertStatus.Resolved);
        await h.ProduceAsync(repeat, resolved);
        await h.WaitFor(() => h.DeliveredIds().Count == 3, "the resolved event after group_interval");
        var third = h.Requests().Last();
        Assert.Equal("evt-g2-resolved", third.MessageId);
        Assert.True(third.At - group.At >= TimeSpan.FromSeconds(1.3), $"sent {third.At - group.At} after the group");
        await h.WaitFor(() => sink.Stats.Suppressed == 1, "the repeat suppressed");
        await h.WaitFor(h.AllCommitted, "everything committed");
        Assert.DoesNotContain("evt-g1-repeat", h.DeliveredIds());
    }

    [Fact]
    public void The_group_message_id_depends_only_on_the_events_it_covers()
    {
        var a = Alerts.Firing("a");
        var b = Alerts.Firing("b");
        Assert.Equal(GroupComposer.MessageId([a, b]), GroupComposer.MessageId([b, a]));
        Assert.NotEqual(GroupComposer.MessageId([a, b]), GroupComposer.MessageId([a]));
        Assert.Matches("^grp-[0-9a-f]{32}$", GroupComposer.MessageId([a, b]));
    }
}
