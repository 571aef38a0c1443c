using Gds.Cli;
using Gds.Cli.Dev.Fleet;
using Gds.Contracts.Topics;

namespace Gds.EndToEnd.Tests;

/// <summary>Runs `gds` verbs in-process, as typed, and checks what a user sees and what reaches Kafka.</summary>
[Collection("console")]
public class CliTests
{
    internal static async Task<(int Code, string Out, string Err)> Gds(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o);
        Console.SetError(e);
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(o) });
        try { return (await GdsApp.RunAsync(args, console: console), o.ToString(), e.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }

    private static readonly RuleSet Packs = RuleSet.Read([RepoPaths.Examples("rules")]);

    private const string Broken = """
        rules:
          - id: ok-rule
            kind: threshold
            selector: {metric: pg_connections_used_ratio}
            op: ">"
            value: 0.9
          - id: broken-rule
            kind: threshold
            selector: {metric: pg_connections_used_ratio}
            op: ">"
            value: ninety
            for: 2 minutes
        """;

    [Fact]
    public async Task Validate_reports_each_error_with_file_line_and_field()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, Broken);
        var (code, _, err) = await Gds("rules", "validate", file);
        Assert.Equal(1, code);
        Assert.Contains($"{file}:11:", err);
        Assert.Contains("rule 'broken-rule': value: 'ninety' is not a number", err);
        Assert.Contains($"{file}:12:", err);
        Assert.Contains("for: '2 minutes' is not a duration", err);
    }

    [Fact]
    public async Task Validate_names_file_and_line_of_an_unclosed_flow_mapping()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "rules:\n  - id: r1\n    kind: threshold\n    selector: {metric: m\n    op: \">\"\n    value: 1\n");
        var (code, _, err) = await Gds("rules", "validate", file);
        Assert.Equal(1, code);
        Assert.Contains($"{file}:4:15: yaml: '{{' is never closed", err);
        Assert.DoesNotContain("InvalidOperationException", err);
    }

    [Fact]
    public async Task Publishing_a_broken_file_publishes_nothing_and_a_valid_one_publishes_every_rule()
    {
        using var broker = EmbeddedBroker.Start();
        await new EmbeddedTopicCreator(broker).EnsureAsync(DevTopics.All(1));
        var clients = new KafkaClientFactory(broker.BootstrapServers);
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, Broken);

        var (code, _, err) = await Gds("rules", "publish", file, "--bootstrap", broker.BootstrapServers);
        Assert.Equal(1, code);
        Assert.Contains("nothing was published", err);
        Assert.Empty(CompactedTopicReader.ReadLatest(clients, TopicNames.Rules, TimeSpan.FromSeconds(10)));

        (code, _, _) = await Gds("rules", "publish", RepoPaths.Examples("rules"), "--bootstrap", broker.BootstrapServers);
        Assert.Equal(0, code);
        var published = CompactedTopicReader.ReadLatest(clients, TopicNames.Rules, TimeSpan.FromSeconds(10));
        Assert.Equal(Packs.Rules.Select(r => r.Id).Order(), published.Keys.Order());
    }

    [Fact]
    public async Task Prune_deletes_rules_that_are_no_longer_in_the_file()
    {
        using var broker = EmbeddedBroker.Start();
        await new EmbeddedTopicCreator(broker).EnsureAsync(DevTopics.All(1));
        var clients = new KafkaClientFactory(broker.BootstrapServers);
        Assert.Equal(0, (await Gds("rules", "publish", RepoPaths.Examples("rules"), "--bootstrap", broker.BootstrapServers)).Code);
        var one = Path.GetTempFileName();
        await File.WriteAllTextAsync(one, "rules:\n  - id: pg-connections-high\n    kind: threshold\n    selector: {metric: pg_connections_used_ratio}\n    op: \">\"\n    value: 0.95\n");
        var (code, output, _) = await Gds("rules", "publish", one, "--bootstrap", broker.BootstrapServers, "--prune");
        Assert.Equal(0, code);
        Assert.Contains($"deleted {Packs.Rules.Count - 1}", output);
        Assert.Equal(["pg-connections-high"], CompactedTopicReader.ReadLatest(clients, TopicNames.Rules, TimeSpan.FromSeconds(10)).Keys);
    }

    [Theory]
    [InlineData("no-such-verb")]
    [InlineData("dev", "--no-such-option")]
    [InlineData("dev", "--time-scale", "0")]
    [InlineData("rules", "publish")]
    public async Task Unknown_verbs_options_and_missing_arguments_fail_with_exit_code_2(params string[] args)
    {
        var (code, _, err) = await Gds(args);
        Assert.Equal(2, code);
        Assert.StartsWith("gds: ", err);
    }

    [Fact]
    public async Task Gds_kafka_serves_a_broker_with_every_topic_and_publishes_its_address_until_stopped()
    {
        var file = Path.Combine(Path.GetTempPath(), "gds-bootstrap-" + Guid.NewGuid().ToString("N"));
        using var stop = new CancellationTokenSource();
        var run = GdsApp.RunAsync(["kafka", "--bootstrap-file", file, "--partitions", "2"], stop.Token);
        await Eventually.Until(() => File.Exists(file), TimeSpan.FromSeconds(30), "the bootstrap file");
        var bootstrap = (await File.ReadAllTextAsync(file)).Trim();
        using (var admin = new Confluent.Kafka.AdminClientBuilder(new Confluent.Kafka.AdminClientConfig { BootstrapServers = bootstrap }).Build())
        {
            var topics = admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.ToDictionary(t => t.Topic, t => t.Partitions.Count);
            Assert.Equal(2, topics["gds.metrics.postgresql.production"]);
            Assert.Equal(2, topics["gds-streams-alert-state-changelog"]);
            Assert.Contains(TopicNames.Rules, topics.Keys);
        }
        await stop.CancelAsync();
        Assert.Equal(0, await run);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task Gds_kafka_with_a_schema_registry_file_serves_a_registry_at_the_url_it_writes_until_stopped()
    {
        var file = Path.Combine(Path.GetTempPath(), "gds-registry-" + Guid.NewGuid().ToString("N"));
        using var stop = new CancellationTokenSource();
        var run = GdsApp.RunAsync(["kafka", "--schema-registry-file", file, "--partitions", "1"], stop.Token);
        await Eventually.Until(() => File.Exists(file) || run.IsCompleted, TimeSpan.FromSeconds(30), "the schema registry file");
        Assert.False(run.IsCompleted, "gds kafka stopped early");
        var url = (await File.ReadAllTextAsync(file)).Trim();
        Assert.StartsWith("http://127.0.0.1:", url);
        using (var http = new HttpClient { BaseAddress = new Uri(url) })
        {
            using var response = await http.GetAsync("/subjects");
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/vnd.schemaregistry.v1+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("[]", await response.Content.ReadAsStringAsync());
        }
        await stop.CancelAsync();
        Assert.Equal(0, await run);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task Gds_kafka_refuses_a_schema_registry_listen_address_without_a_port()
    {
        var (code, _, err) = await Gds("kafka", "--schema-registry-listen", "127.0.0.1");
        Assert.Equal(2, code);
        Assert.Contains("--schema-registry-listen", err);
    }

    [Fact]
    public async Task Every_verb_has_help()
    {
        foreach (var verb in new[] { "dev", "kafka", "collect", "streams", "sink", "dw-import", "ack", "ui" })
        {
            var (code, output, _) = await Gds(verb, "--help");
            Assert.Equal(0, code);
            Assert.Contains("USAGE", output);
        }
    }
}
