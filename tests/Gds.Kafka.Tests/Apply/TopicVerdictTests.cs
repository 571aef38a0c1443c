using Gds.Kafka.Admin;
using Gds.Kafka.Admin.Apply;

namespace Gds.Kafka.Tests.Apply;

public class TopicVerdictTests
{
    private static readonly TopicSpec Alerts = new("gds.alerts", 3, Retention: TimeSpan.FromDays(30));
    private static readonly TopicSpec Rules = new("gds.rules", 1, Compacted: true);

    private static Dictionary<string, string> Configs(string policy, string? retentionMs = null)
    {
        var c = new Dictionary<string, string> { ["cleanup.policy"] = policy };
        if (retentionMs is not null) c["retention.ms"] = retentionMs;
        return c;
    }

    [Fact]
    public void A_topic_the_cluster_lacks_is_missing()
    {
        Assert.Equal(TopicStatus.Missing, TopicVerdict.Decide(Alerts, null, null).Status);
    }

    [Fact]
    public void A_topic_as_asked_is_present()
    {
        var v = TopicVerdict.Decide(Alerts, new ObservedTopic("gds.alerts", 3, 1, Configs("delete", "2592000000")), null);
        Assert.Equal(TopicStatus.Present, v.Status);
        Assert.Empty(v.Differences);
    }

    [Fact]
    public void More_partitions_a_longer_retention_and_more_replicas_than_asked_are_present()
    {
        Assert.Equal(TopicStatus.Present, TopicVerdict.Decide(Alerts, new ObservedTopic("gds.alerts", 12, 3, Configs("delete", "-1")), 2).Status);
        Assert.Equal(TopicStatus.Present, TopicVerdict.Decide(Alerts, new ObservedTopic("gds.alerts", 3, 1, Configs("delete", "5184000000")), null).Status);
    }

    [Fact]
    public void Fewer_partitions_than_asked_differ_naming_both_counts()
    {
        var v = TopicVerdict.Decide(Alerts, new ObservedTopic("gds.alerts", 1, 1), null);
        Assert.Equal(TopicStatus.Differs, v.Status);
        Assert.Equal(["1 partition, fewer than the 3 asked"], v.Differences);
    }

    [Theory]
    [InlineData("delete", "cleanup.policy delete, not compact")]
    [InlineData("compact,delete", "cleanup.policy compact,delete, not compact")]
    public void A_compacted_topic_that_deletes_differs(string policy, string expected)
    {
        var v = TopicVerdict.Decide(Rules, new ObservedTopic("gds.rules", 1, 1, Configs(policy)), null);
        Assert.Equal(TopicStatus.Differs, v.Status);
        Assert.Equal([expected], v.Differences);
    }

    [Fact]
    public void A_time_retained_topic_that_compacts_differs()
    {
        var v = TopicVerdict.Decide(Alerts, new ObservedTopic("gds.alerts", 3, 1, Configs("compact")), null);
        Assert.Equal(["cleanup.policy compact, not delete"], v.Differences);
    }

    [Fact]
    public void A_shorter_retention_differs_in_milliseconds_and_words()
    {
        var v = TopicVerdict.Decide(Alerts, new ObservedTopic("gds.alerts", 3, 1, Configs("delete", "86400000")), null);
        Assert.Equal(["retention.ms 86400000 (1d), shorter than the 2592000000 (30d) asked"], v.Differences);
    }

    [Fact]
    public void A_compacted_topic_retention_is_not_compared()
    {
        Assert.Equal(TopicStatus.Present, TopicVerdict.Decide(Rules, new ObservedTopic("gds.rules", 1, 1, Configs("compact", "1000")), null).Status);
    }

    [Fact]
    public void Fewer_replicas_differ_only_when_a_replication_factor_is_asked()
    {
        var observed = new ObservedTopic("gds.alerts", 3, 1);
        Assert.Equal(TopicStatus.Present, TopicVerdict.Decide(Alerts, observed, null).Status);
        Assert.Equal(["replication factor 1, less than the 3 asked"], TopicVerdict.Decide(Alerts, observed, 3).Differences);
    }

    [Fact]
    public void Every_difference_is_named()
    {
        var v = TopicVerdict.Decide(Alerts, new ObservedTopic("gds.alerts", 2, 1, Configs("compact", "1000")), 3);
        Assert.Equal(4, v.Differences.Count);
    }

    [Fact]
    public void Unknown_configs_compare_only_partitions_and_replicas()
    {
        Assert.Equal(TopicStatus.Present, TopicVerdict.Decide(Rules, new ObservedTopic("gds.rules", 1, 1, Configs: null), null).Status);
    }
}
