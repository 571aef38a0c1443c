using System.Text.Json.Nodes;
using Confluent.Kafka;
using Gds.Contracts.Serialization;
using Gds.Contracts.Topics;
using Gds.Kafka.Admin;
using Gds.Kafka.Clients;
using Gds.Kafka.Embedded;

namespace Gds.Cli.Tests;

/// <summary>`gds silence add|list|expire` and `gds ack` against the embedded broker.</summary>
[Collection(CliCollection.Name)]
public sealed class HygieneCliTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    private const int Partitions = BrokerFixture.Partitions;
    private string Bootstrap => broker.Bootstrap;

    [Fact]
    public async Task Silence_add_then_list_then_expire_round_trips_through_the_topic()
    {
        var add = await CliRunner.RunAsync("silence", "add", "--bootstrap", Bootstrap,
            "--match", "instance_id=prod-db-01", "--match", "severity=~WARNING|INFO", "--for", "2h",
            "--by", "alice", "--comment", "disk replacement", "--notify-resolved");
        Assert.True(add.Code == 0, add.Err);
        var id = add.Out.Trim();
        Assert.Matches("^[0-9a-f]{16}$", id);

        var weekly = await CliRunner.RunAsync("silence", "add", "--bootstrap", Bootstrap,
            "--match", "environment=staging", "--schedule", "sun 02:00-04:00 Europe/Paris", "--by", "bob", "--comment", "weekly maintenance");
        Assert.True(weekly.Code == 0, weekly.Err);
        var weeklyId = weekly.Out.Trim();

        var list = await ListJson();
        var first = list.Single(n => (string)n!["id"]! == id)!;
        Assert.Equal("active", (string)first["status"]!);
        Assert.Equal(["instance_id=prod-db-01", "severity=~WARNING|INFO"], first["silence"]!["matchers"]!.AsArray().Select(m => (string)m!));
        Assert.True((bool)first["silence"]!["notify_resolved"]!);
        var second = list.Single(n => (string)n!["id"]! == weeklyId)!;
        Assert.Contains((string)second["status"]!, new[] { "scheduled", "active" });     // active only on Sunday night in Paris
        Assert.Equal("Europe/Paris", (string)second["silence"]!["schedule"]![0]!["time_zone"]!);

        var table = await CliRunner.RunAsync("silence", "list", "--bootstrap", Bootstrap);
        Assert.Equal(0, table.Code);
        Assert.Contains(id, table.Out);
        Assert.Contains("sun 02:00-04:00 Europe/Paris", table.Out);
        Assert.Contains("disk replacement", table.Out);

        var expire = await CliRunner.RunAsync("silence", "expire", "--bootstrap", Bootstrap, id);
        Assert.True(expire.Code == 0, expire.Err);
        Assert.DoesNotContain(await ListJson(), n => (string)n!["id"]! == id);
        var all = await ListJson("--all");
        Assert.Equal("expired", (string)all.Single(n => (string)n!["id"]! == id)!["status"]!);
        Assert.Equal("alice", (string)all.Single(n => (string)n!["id"]! == id)!["silence"]!["created_by"]!);

        var again = await CliRunner.RunAsync("silence", "expire", "--bootstrap", Bootstrap, id);
        Assert.Equal(0, again.Code);
        Assert.Contains("already ended", again.Err);
        var missing = await CliRunner.RunAsync("silence", "expire", "--bootstrap", Bootstrap, "0000000000000000");
        Assert.Equal(1, missing.Code);
        Assert.Contains("no silence '0000000000000000'", missing.Err);
    }

    [Theory]
    [InlineData("expected an operator after 'instance_id'", "--match", "instance_id", "--for", "1h")]
    [InlineData("not a valid regular expression", "--match", "severity=~(WARN", "--for", "1h")]
    [InlineData("unknown time zone 'Mars/Olympus'", "--match", "instance_id=a", "--schedule", "sun 02:00-04:00 Mars/Olympus")]
    [InlineData("'sundy' is not a day", "--match", "instance_id=a", "--schedule", "sundy 02:00-04:00")]
    [InlineData("--for '2 hours' is not a positive duration", "--match", "instance_id=a", "--for", "2 hours")]
    [InlineData("say how long", "--match", "instance_id=a")]
    [InlineData("would silence every alert", "--match", "team!=dba", "--for", "1h")]
    public async Task Bad_silence_input_exits_2_naming_what_is_wrong(string message, params string[] args)
    {
        var before = (await ListJson("--all")).Count;
        var r = await CliRunner.RunAsync(["silence", "add", "--bootstrap", Bootstrap, "--by", "x", "--comment", "y", .. args]);
        Assert.Equal(2, r.Code);
        Assert.Contains(message, r.Err);
        Assert.Equal(before, (await ListJson("--all")).Count);                   // nothing was published
    }

    [Fact]
    public async Task Ack_writes_an_ack_keyed_by_dedup_key_on_the_partition_of_its_instance()
    {
        const string alert = "cpu-high:prod-db-01:cpu_usage_percent";
        var r = await CliRunner.RunAsync("ack", alert, "--bootstrap", Bootstrap, "--by", "alice", "--comment", "on it");
        Assert.True(r.Code == 0, r.Err);

        var clients = new KafkaClientFactory(Bootstrap);
        // Where the collector's records for prod-db-01 go (keyed by instance_id, librdkafka's default partitioner).
        int metricsPartition;
        using (var producer = new ProducerBuilder<string, byte[]>(clients.ProducerConfig("t")).Build())
            metricsPartition = (await producer.ProduceAsync(TopicNames.Metrics("postgresql", "production"),
                new Message<string, byte[]> { Key = "prod-db-01", Value = [1] })).Partition.Value;

        var config = clients.ConsumerConfig("t-" + Guid.NewGuid().ToString("N"), "t");
        using var consumer = new ConsumerBuilder<string, byte[]>(config).Build();
        consumer.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(TopicNames.AlertAcks, p, Offset.Beginning)));
        ConsumeResult<string, byte[]>? record = null;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (record is null && DateTime.UtcNow < deadline) record = consumer.Consume(TimeSpan.FromMilliseconds(200));
        Assert.NotNull(record);
        Assert.Equal(alert, record.Message.Key);
        Assert.Equal(metricsPartition, record.Partition.Value);
        var ack = GdsJson.Deserialize<Ack>(record.Message.Value);
        Assert.Equal((alert, "prod-db-01", "alice", "on it"), (ack.AlertId, ack.InstanceId, ack.By, ack.Comment));
    }

    [Theory]
    [InlineData("is not an alert id", "4f0c2d1e9a", "--by", "alice")]
    [InlineData("--by WHO is required", "cpu-high:prod-db-01:cpu_usage_percent")]
    public async Task Bad_ack_input_exits_2(string message, params string[] args)
    {
        var r = await CliRunner.RunAsync(["ack", "--bootstrap", Bootstrap, .. args]);
        Assert.Equal(2, r.Code);
        Assert.Contains(message, r.Err);
    }

    private async Task<JsonArray> ListJson(params string[] extra)
    {
        var r = await CliRunner.RunAsync(["silence", "list", "--bootstrap", Bootstrap, "--json", .. extra]);
        Assert.True(r.Code == 0, r.Err);
        return JsonNode.Parse(r.Out)!.AsArray();
    }
}

/// <summary>One embedded broker with every gds topic for the class: starting and stopping one costs seconds.</summary>
public sealed class BrokerFixture : IDisposable
{
    public const int Partitions = 3;
    private readonly EmbeddedBroker _broker;

    public BrokerFixture()
    {
        _broker = EmbeddedBroker.Start();
        new EmbeddedTopicCreator(_broker).EnsureAsync(TopicCatalog.Standard(Partitions)).GetAwaiter().GetResult();
    }

    public string Bootstrap => _broker.BootstrapServers;

    public void Dispose() => _broker.Dispose();
}
