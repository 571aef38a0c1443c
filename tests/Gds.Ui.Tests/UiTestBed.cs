using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Gds.Contracts.Alerts;
using Gds.Kafka.Admin;
using Gds.Kafka.Embedded;
using Gds.Ui;

namespace Gds.Ui.Tests;

/// <summary>An embedded broker with every gds topic, and the ui reading it on a free loopback port.</summary>
public sealed class UiTestBed : IAsyncDisposable
{
    public const int Partitions = 3;

    private UiTestBed(EmbeddedBroker broker, KafkaClientFactory clients)
    {
        Broker = broker;
        Clients = clients;
        Producer = new ProducerBuilder<string?, byte[]?>(clients.ProducerConfig("ui-test")).Build();
    }

    public EmbeddedBroker Broker { get; }
    public KafkaClientFactory Clients { get; }
    public IProducer<string?, byte[]?> Producer { get; }
    public Dashboard? Ui { get; private set; }
    public HttpClient Http { get; private set; } = new();

    public static async Task<UiTestBed> StartAsync(string? token = null)
    {
        var broker = EmbeddedBroker.Start();
        await new EmbeddedTopicCreator(broker).EnsureAsync(TopicCatalog.Standard(Partitions));
        var bed = new UiTestBed(broker, new KafkaClientFactory(broker.BootstrapServers));
        await bed.StartUiAsync(token);
        return bed;
    }

    /// <summary>Starts (or restarts) the ui process's part: a fresh board, rebuilt from the topics.</summary>
    public async Task StartUiAsync(string? token = null, string host = "127.0.0.1", IReadOnlyList<Uri>? health = null)
    {
        if (Ui is not null) await Ui.DisposeAsync();
        Http.Dispose();
        Ui = new Dashboard(new DashboardOptions
        {
            Server = new UiServerOptions { Host = host, Port = 0, Token = token }, HealthEndpoints = health ?? [], HealthEvery = TimeSpan.FromMilliseconds(200),
        }, Clients, NullLoggerFactory.Instance);
        await Ui.StartAsync(CancellationToken.None);
        Http = new HttpClient { BaseAddress = Ui.Address };
        if (token is not null) Http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        // Records written from here on are read as they come: the feed has its partitions and has read what was there.
        await WaitForAsync("/api/alerts", p => (bool)p["caught_up"]!, "the ui caught up with the topics");
    }

    public async Task PublishAsync(string topic, string? key, object? value, int? partition = null)
    {
        var message = new Message<string?, byte[]?> { Key = key, Value = value is null ? null : GdsJson.Serialize(value) };
        if (partition is { } p) await Producer.ProduceAsync(new TopicPartition(topic, p), message);
        else await Producer.ProduceAsync(topic, message);
    }

    public Task PublishRuleAsync(Rule rule) => PublishAsync(TopicNames.Rules, rule.Id, rule);

    public Task PublishEventAsync(AlertEvent e) => PublishAsync(TopicNames.Alerts, e.InstanceId, e);

    public Task PublishSampleAsync(Metric m) => PublishAsync(TopicNames.Metrics(m.DatabaseType, m.Environment), m.InstanceId, m);

    public async Task<JsonNode> GetAsync(string path)
    {
        var r = await Http.GetAsync(path);
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"GET {path}: {(int)r.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    public async Task<(int Status, JsonNode? Body)> PostAsync(string path, object body)
    {
        var r = await Http.PostAsJsonAsync(path, body);
        var text = await r.Content.ReadAsStringAsync();
        return ((int)r.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>Polls <paramref name="path"/> until <paramref name="condition"/> holds; fails with the last answer after the deadline.</summary>
    public async Task<JsonNode> WaitForAsync(string path, Func<JsonNode, bool> condition, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        JsonNode last;
        do
        {
            last = await GetAsync(path);
            if (condition(last)) return last;
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"{what}: not seen within the deadline; last answer of {path}: {last.ToJsonString()}");
        return last;
    }

    public static IEnumerable<JsonNode> Alerts(JsonNode page) =>
        page["groups"]!.AsArray().SelectMany(g => g!["alerts"]!.AsArray()).Select(a => a!);

    public static JsonNode? Alert(JsonNode page, string dedupKey) => Alerts(page).FirstOrDefault(a => (string)a["dedup_key"]! == dedupKey);

    public async ValueTask DisposeAsync()
    {
        if (Ui is not null) await Ui.DisposeAsync();
        Http.Dispose();
        Producer.Dispose();
        Broker.Dispose();
    }
}

/// <summary>Alert events as the topology writes them, for tests that play the topology's part.</summary>
public static class Events
{
    public static AlertEvent Firing(string rule, string instance, string metric, string severity, DateTimeOffset startsAt, double value,
        IReadOnlyDictionary<string, string>? seriesLabels = null, int sequence = 0, string environment = "production", DateTimeOffset? at = null)
    {
        var dedup = Gds.Alerting.Rules.DedupKeys.For(rule, instance, metric, seriesLabels);
        var labels = new Dictionary<string, string>
        {
            ["rule_id"] = rule, ["instance_id"] = instance, ["metric_name"] = metric, ["environment"] = environment,
            ["database_type"] = "postgresql", ["severity"] = severity, ["team"] = "dba",
        };
        foreach (var (k, v) in seriesLabels ?? SeriesLabels.None) labels[k] = v;
        var episode = Gds.Alerting.Grouping.CorrelationIds.ForEpisode(dedup, startsAt);
        return new AlertEvent
        {
            EventId = $"{dedup}/{startsAt.ToUnixTimeMilliseconds()}/firing/{sequence}",
            Status = AlertStatus.Firing, RuleId = rule, DedupKey = dedup, InstanceId = instance, MetricName = metric,
            DatabaseType = "postgresql", Environment = environment, Severity = severity, Value = value, Expected = "> 0.9",
            Summary = $"{instance}: {metric} is {value}", SeriesLabels = seriesLabels, Labels = labels,
            GroupKey = $"rule_id={rule},environment={environment}", CorrelationId = episode,
            StartsAt = startsAt, EventTime = at ?? startsAt, Sequence = sequence,
        };
    }

    public static AlertEvent Then(this AlertEvent e, string status, DateTimeOffset at, int sequence = 0) => e with
    {
        EventId = $"{e.DedupKey}/{e.StartsAt.ToUnixTimeMilliseconds()}/{status}/{sequence}",
        Status = status,
        EventTime = at,
        Sequence = sequence,
        EndsAt = status == AlertStatus.Resolved ? at : null,
    };
}
