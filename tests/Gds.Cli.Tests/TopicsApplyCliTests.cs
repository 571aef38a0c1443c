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

    [Fact]
    public async Task With_a_schema_registry_every_topic_s_schema_is_registered_and_an_incompatible_one_is_refused_by_name()
    {
        await new EmbeddedTopicCreator(_broker).EnsureAsync(DevTopics.All(3));
        await using var registry = await Gds.Schemas.Registry.EmbeddedSchemaRegistry.StartAsync();
        // Someone registered another alert schema under gds.alerts-value before: this build's cannot read its records.
        using (var http = new HttpClient())
        {
            var other = """{"type":"record","name":"Other","fields":[{"name":"x","type":"string"}]}""";
            var body = new StringContent(System.Text.Json.JsonSerializer.Serialize(new { schema = other }), System.Text.Encoding.UTF8, "application/vnd.schemaregistry.v1+json");
            (await http.PostAsync($"{registry.Url}/subjects/{TopicNames.Alerts}-value/versions", body)).EnsureSuccessStatusCode();
        }

        var r = await CliRunner.RunAsync("topics", "apply", "--bootstrap", _broker.BootstrapServers, "--schema-registry", registry.Url);
        Assert.True(r.Code == 1, r.Out + r.Err);
        var schemaLines = Lines(r.Out).Where(l => l.StartsWith("schema ", StringComparison.Ordinal)).ToList();
        var withSchema = TopicCatalog.Standard(3).Select(t => t.Name).Where(n => Gds.Schemas.Catalog.SchemaCatalog.ForTopic(n) is not null).ToList();
        Assert.Equal(withSchema.Count, schemaLines.Count);                    // the DLQs and the watchdog carry none
        var refused = Assert.Single(schemaLines, l => l.Contains("not registered"));
        Assert.StartsWith("schema   gds.alerts-value: not registered: the schema registry at", refused);
        Assert.Contains("refuses the alert.avsc schema for gds.alerts-value as incompatible", refused);
        Assert.Contains("schema   gds.metrics.postgresql.production-value: id ", r.Out);
        Assert.Contains("(metric.avsc)", r.Out);
        Assert.Equal($"{withSchema.Count} schemas at {registry.Url}: {withSchema.Count - 1} registered, 1 not registered", Lines(r.Out)[^1]);

        // Registering is idempotent: the same ids again (one id for the one metric schema on every metric topic).
        var again = await CliRunner.RunAsync("topics", "apply", "--bootstrap", _broker.BootstrapServers, "--schema-registry", registry.Url);
        Assert.Equal(schemaLines, Lines(again.Out).Where(l => l.StartsWith("schema ", StringComparison.Ordinal)));
        var metricIds = schemaLines.Where(l => l.Contains("(metric.avsc)")).Select(l => l.Split(": id ")[1]).Distinct();
        Assert.Single(metricIds);
    }

    [Fact]
    public async Task A_schema_registry_that_does_not_answer_fails_the_run_once_naming_it()
    {
        await new EmbeddedTopicCreator(_broker).EnsureAsync(DevTopics.All(3));
        var r = await CliRunner.RunAsync("topics", "apply", "--bootstrap", _broker.BootstrapServers, "--schema-registry", "http://127.0.0.1:1");
        Assert.Equal(1, r.Code);
        var failed = Assert.Single(Lines(r.Out), l => l.StartsWith("schema ", StringComparison.Ordinal));
        Assert.Contains("not registered: registering the", failed);
        Assert.Contains("at http://127.0.0.1:1", failed);
        Assert.EndsWith("0 registered, 1 not registered", Lines(r.Out)[^1]);
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
