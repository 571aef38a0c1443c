using Gds.Alerting.Grouping;
using static Gds.Alerting.Tests.Hygiene.HygieneHarness;

namespace Gds.Alerting.Tests.Hygiene;

public class GroupingTests
{
    [Fact]
    public void Every_event_of_an_episode_carries_the_group_key_and_the_episode_correlation_id()
    {
        var h = new HygieneHarness(Cpu());
        var fired = Assert.Single(h.Cpu("prod-db-01", 95, T0));
        Assert.Equal("rule_id=cpu-high,environment=production", fired.GroupKey);
        Assert.Equal(fired.EventId, fired.CorrelationId);
        Assert.Equal(CorrelationIds.ForEpisode(fired.DedupKey, fired.StartsAt), fired.CorrelationId);

        var events = new List<Gds.Contracts.Alerts.AlertEvent>();
        events.AddRange(h.Cpu("prod-db-01", 95, T0.AddMinutes(10)));
        events.AddRange(h.Ack("cpu-high:prod-db-01:cpu_usage_percent", "a", T0.AddMinutes(11)).Events);
        events.AddRange(h.Cpu("prod-db-01", 50, T0.AddMinutes(12)));
        Assert.Equal(3, events.Count);
        Assert.All(events, e => Assert.Equal((fired.CorrelationId, fired.GroupKey), (e.CorrelationId, e.GroupKey)));
        Assert.Equal(4, events.Append(fired).Select(e => e.EventId).Distinct().Count());

        var next = Assert.Single(h.Cpu("prod-db-01", 95, T0.AddMinutes(13)));
        Assert.NotEqual(fired.CorrelationId, next.CorrelationId);                 // a new episode, a new thread
        Assert.Equal(fired.GroupKey, next.GroupKey);
    }

    [Fact]
    public void Group_by_names_labels_in_order_and_the_ellipsis_means_every_label()
    {
        var labels = new Dictionary<string, string> { ["instance_id"] = "i1", ["rule_id"] = "r", ["environment"] = "prod" };
        Assert.Equal("instance_id=i1,team=", GroupKeys.For(["instance_id", "team"], labels));
        Assert.Equal("environment=prod,instance_id=i1,rule_id=r", GroupKeys.For(["..."], labels));
        Assert.Equal("rule_id=r,environment=prod", GroupKeys.For(null, labels));
    }
}
