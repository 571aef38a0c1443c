using Gds.Cli.Commands.KafkaBroker;
using Gds.Contracts.Topics;
using Gds.Kafka.Admin;
using Gds.Kafka.Embedded;

namespace Gds.Cli.Tests;

/// <summary>`gds topics apply` run as a user types it, against the embedded broker.</summary>
[Collection(CliCollection.Name)]
public sealed class TopicsApplyCliTests : IDisposable
{
    private readonly EmbeddedBroker _broker = EmbeddedBroker.Start();

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task On_the_topics_gds_kafka_made_every_topic_is_present_and_a_second_run_says_the_same()
    {
        await new EmbeddedTopicCreator(_broker).EnsureAsync(DevTopics.All(3));

        var first = await CliRunner.RunAsync("topics", "apply", "--bootstrap", _broker.BootstrapServers);
        Assert.True(first.Code == 0, first.Out + first.Err);
        var lines = Lines(first.Out);
        Assert.StartsWith("config not checked: the broker did not answer DescribeConfigs", lines[0]);
        var topicLines = lines.Where(l => l.StartsWith("present ", StringComparison.Ordinal)).ToList();
        Assert.Equal(TopicCatalog.Standard(3).Select(t => $"present  {t.Name}").Order(), topicLines.Order());
        var count = TopicCatalog.Standard(3).Count;
        Assert.Contains($"{count} topics on", lines[^1]);
        Assert.EndsWith($"(3 partitions asked): 0 created, {count} present, 0 differ, 0 missing", lines[^1]);

        var second = await CliRunner.RunAsync("topics", "apply", "--bootstrap", _broker.BootstrapServers);
        Assert.Equal(0, second.Code);
        Assert.Equal(first.Out, second.Out);
    }

    [Fact]
    public async Task A_topic_with_fewer_partitions_differs_and_fails_only_with_strict()
    {
        await new EmbeddedTopicCreator(_broker).EnsureAsync(TopicCatalog.Standard(3).Where(t => t.Name != TopicNames.Alerts));
        _broker.CreateTopic(TopicNames.Alerts, 1);

        var lenient = await CliRunner.RunAsync("topics", "apply", "--bootstrap", _broker.BootstrapServers);
        Assert.Equal(0, lenient.Code);
        Assert.Contains("differs  gds.alerts: 1 partition, fewer than the 3 asked", Lines(lenient.Out));

        var strict = await CliRunner.RunAsync("topics", "apply", "--bootstrap", _broker.BootstrapServers, "--strict");
        Assert.Equal(1, strict.Code);
        Assert.Contains("differs  gds.alerts: 1 partition, fewer than the 3 asked", Lines(strict.Out));
    }

    [Fact]
    public async Task A_topic_the_broker_cannot_create_is_missing_with_the_reason_and_exits_1()
    {
        await new EmbeddedTopicCreator(_broker).EnsureAsync(TopicCatalog.Standard(3));

        var r = await CliRunner.RunAsync("topics", "apply", "--bootstrap", _broker.BootstrapServers, "--environments", "production,qa");
        Assert.Equal(1, r.Code);
        var missing = Lines(r.Out).Where(l => l.StartsWith("missing ", StringComparison.Ordinal)).ToList();
        Assert.Equal(DatabaseTypes.All.Count + 1, missing.Count); // qa's metric topics, gds's included
        Assert.Contains(missing, l => l.StartsWith("missing  gds.metrics.postgresql.qa: not created: the broker did not answer CreateTopics", StringComparison.Ordinal));
        // Asked for production and qa; the staging topics already there are still checked.
        Assert.Contains("present  gds.metrics.mssql.staging", Lines(r.Out));
    }

    [Theory]
    [InlineData("--partitions must be at least 1", "--partitions", "0")]
    [InlineData("--replication-factor must be at least 1", "--replication-factor", "0")]
    [InlineData("--environments: 'prod.eu' is not an environment name", "--environments", "prod.eu")]
    [InlineData("--timeout: 'soon' is not a duration", "--timeout", "soon")]
    public async Task Bad_input_exits_2_naming_the_option(string message, params string[] args)
    {
        var r = await CliRunner.RunAsync(["topics", "apply", "--bootstrap", _broker.BootstrapServers, .. args]);
        Assert.Equal(2, r.Code);
        Assert.Contains(message, r.Err);
        Assert.DoesNotContain("topics on", r.Out);                              // nothing was looked at
    }

    public void Dispose() => _broker.Dispose();
}
