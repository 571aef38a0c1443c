using Gds.Monitor;
using Gds.Monitor.Collectors;
using Gds.Monitor.Publishing;
using Gds.Monitor.Scheduling;
using Gds.Monitor.Targets;
using Gds.Notify;
using Gds.Topology.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using WireMock.Server;
using Gds.Contracts.Secrets;

namespace Gds.EndToEnd.Tests.Incidents;

/// <summary>
/// The chain a user deploys, pointed at a real PostgreSQL primary and its streaming standby (the incident pair of
/// scripts/services.sh, which nothing else uses): the collector scrapes both every second → metric topics on the
/// embedded broker → the alerting topology with the shipped rule packs → gds.alerts → the sink → a receiver
/// speaking gds_notification's contract. A live application keeps committing small transactions in database
/// <see cref="Database"/> throughout, as production would.
/// <para>The packs run with their durations scaled down (<see cref="TimeScale"/>: a 5m `for` becomes 2s) and, where
/// a threshold is itself an age or a size that a test cannot wait for or write, with that one value sized down
/// (<see cref="TestSized"/>); selectors, metrics, labels, kinds and severities are the shipped ones. The rollback
/// SLO keeps its two paging window pairs only: scaling shrinks windows but not the application's traffic, so the
/// ticket pair (3d/6h, here 7m/36s) would weigh a test's burst against minutes instead of days of traffic.</para>
/// </summary>
public sealed class IncidentPipeline : IAsyncLifetime
{
    public const string Primary = "pg-primary";
    public const string Standby = "pg-standby";
    public const string Database = "shop";
    /// <summary>600 times faster: a 1h burn-rate window lasts 6 s, the 3-day ticket window 7.2 minutes.</summary>
    public const double TimeScale = 600;
    /// <summary>No scaled duration below five scrape intervals, so a blip of one slow scrape never pages.</summary>
    public static readonly TimeSpan Floor = TimeSpan.FromSeconds(5);

    /// <summary>Thresholds that are ages or sizes: the incident reaches them in seconds instead of minutes or gigabytes.</summary>
    public static readonly IReadOnlyDictionary<string, (double Value, double? Resolve)> TestSized = new Dictionary<string, (double, double?)>
    {
        ["pg-idle-in-transaction"] = (3, null),              // 300 s idle in transaction
        ["pg-standby-lag-bytes"] = (16 << 20, 1 << 20),     // 1 GiB of WAL behind, resolving under 100 MiB
    };

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), "gds-incidents-" + Guid.NewGuid().ToString("N"));
    private EmbeddedBroker? _broker;
    private CollectorHost? _collector;
    private KafkaMetricPublisher? _publisher;

    public string PrimaryConnection { get; private set; } = "";
    public string StandbyConnection { get; private set; } = "";
    public string ShopConnection => new NpgsqlConnectionStringBuilder(PrimaryConnection) { Database = Database, Pooling = false }.ConnectionString;
    public WireMockServer Receiver { get; } = WireMockServer.Start();
    public StreamsHost Streams { get; private set; } = null!;
    public NotificationSink Sink { get; private set; } = null!;
    public IReadOnlyList<Rule> Rules { get; private set; } = [];
    public long AppTransactions => Interlocked.Read(ref _appTransactions);
    private long _appTransactions;
    private long _scrapes;

    public async Task InitializeAsync()
    {
        if (new IncidentFactAttribute().Skip is not null) return;
        PrimaryConnection = Required("GDS_TEST_PG_INCIDENTS_CONNECTION");
        StandbyConnection = Required("GDS_TEST_PG_INCIDENTS_STANDBY_CONNECTION");
        await PrepareDatabaseAsync();
        _broker = EmbeddedBroker.Start();
        var topics = new EmbeddedTopicCreator(_broker);
        await topics.EnsureAsync(DevTopics.All(2));
        var clients = new KafkaClientFactory(_broker.BootstrapServers);
        Rules = ShippedPacks();
        await RulePublisher.PublishAsync(clients, Rules, prune: false, CancellationToken.None);

        Receiver.Given(Request.Create().WithPath("/ingest").UsingPost()).RespondWith(Response.Create().WithStatusCode(202));
        Streams = new StreamsHost(new StreamsHostOptions { BootstrapServers = _broker.BootstrapServers, StateDir = _stateDir }, topics);
        await Streams.StartAsync();
        await Streams.WaitUntilRunningAsync(TimeSpan.FromSeconds(60));
        // The storm limiter (5 notifications per rule + instance, then one a minute) is off: the class causes an
        // incident after another on one primary within minutes, and the INFO tickets it tolerates come and go on
        // it, so a held-back event would keep the sink busy for a minute and "nothing else was notified" could not
        // be settled in time. The limiter has its own tests (Gds.Notify.Tests).
        Sink = new NotificationSink(new SinkOptions { NotifyUrl = Receiver.Url!, RateLimit = new() { Enabled = false } }, clients, NullLoggerFactory.Instance);
        _running.Add(Sink.RunAsync(_stop.Token));

        _publisher = new KafkaMetricPublisher(clients, Options.Create(new PublisherOptions { SpoolDirectory = Path.Combine(_stateDir, "spool") }));
        var options = new CollectorOptions { CollectorId = "incident-collector", HeartbeatInterval = TimeSpan.FromSeconds(1), JitterRatio = 0 };
        _collector = new CollectorHost([Target(Primary, PrimaryConnection), Target(Standby, StandbyConnection)],
            new CollectorFactory(), _publisher, _publisher, options, NullLoggerFactory.Instance);
        _collector.Scheduler.Scraped += o => { if (o.Up) Interlocked.Increment(ref _scrapes); };
        _running.Add(_collector.RunAsync(_stop.Token));
        _running.Add(Task.Run(() => RunApplicationAsync(_stop.Token)));

        await SettleAsync();
    }

    /// <summary>The shipped PostgreSQL and gds packs, time-scaled and test-sized.</summary>
    public static IReadOnlyList<Rule> ShippedPacks()
    {
        var rules = new List<Rule>();
        foreach (var pack in new[] { "postgresql.yaml", "gds.yaml" })
        {
            var file = new RuleFileReader().ReadFile(RepoPaths.Examples(Path.Combine("rules", pack)));
            Assert.True(file.IsValid, string.Join("\n", file.Errors));
            rules.AddRange(file.Rules);
        }
        return rules.Select(r => RuleTimeScale.Apply(r, TimeScale, Floor))
            .Select(r => TestSized.TryGetValue(r.Id, out var v) ? r with { Value = v.Value, ResolveValue = v.Resolve ?? r.ResolveValue } : r)
            .Select(r => r.Id == "pg-rollback-slo" ? r with { Windows = r.Windows!.Where(w => w.Severity == "CRITICAL").ToList() } : r)
            .ToList();
    }

    private static TargetDefinition Target(string id, string connection) => new()
    {
        Id = id,
        Type = "postgresql",
        Environment = "production",
        // The pg_monitor role, as production runs it; its password stays out of the target as a reference.
        Connection = SecretTemplate.Parse(new NpgsqlConnectionStringBuilder(connection) { Username = "gds_monitor", Password = "gds-monitor-secret" }.ConnectionString),
        Interval = TimeSpan.FromSeconds(1),
        Timeout = TimeSpan.FromSeconds(1),
        Tags = new Dictionary<string, string> { ["region"] = "test", ["cluster"] = "incidents" },
    };

    private async Task PrepareDatabaseAsync()
    {
        await using (var admin = new NpgsqlConnection(PrimaryConnection))
        {
            await admin.OpenAsync();
            await using var exists = new NpgsqlCommand($"SELECT 1 FROM pg_database WHERE datname = '{Database}'", admin);
            if (await exists.ExecuteScalarAsync() is null)
                await new NpgsqlCommand($"CREATE DATABASE {Database}", admin).ExecuteNonQueryAsync();
        }
        await using var shop = new NpgsqlConnection(ShopConnection);
        await shop.OpenAsync();
        await new NpgsqlCommand("""
            CREATE TABLE IF NOT EXISTS orders (id int PRIMARY KEY, amount numeric NOT NULL);
            INSERT INTO orders VALUES (1, 10), (2, 20) ON CONFLICT DO NOTHING;
            CREATE TABLE IF NOT EXISTS visits (n bigint NOT NULL);
            INSERT INTO visits SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM visits);
            CREATE TABLE IF NOT EXISTS bulk (id bigserial PRIMARY KEY, payload text NOT NULL);
            """, shop).ExecuteNonQueryAsync();
    }

    /// <summary>The live application: about 20 small committed transactions a second in the shop database.</summary>
    private async Task RunApplicationAsync(CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(ShopConnection);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("UPDATE visits SET n = n + 1", conn);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (await Next(timer, ct))
        {
            await cmd.ExecuteNonQueryAsync(CancellationToken.None);
            Interlocked.Increment(ref _appTransactions);
        }
    }

    private static async Task<bool> Next(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }

    public IReadOnlyList<Notification> Notifications() =>
        Receiver.LogEntries.Select(e => Notification.Parse(e.RequestMessage.Body!)).ToList();

    /// <summary>The first notification after the <paramref name="mark"/>-th that matches, waiting for it.</summary>
    public async Task<Notification> WaitForAsync(int mark, Func<Notification, bool> match, TimeSpan timeout, string what)
    {
        Notification? found = null;
        await Eventually.Until(() => (found = Notifications().Skip(mark).FirstOrDefault(match)) is not null, timeout,
            what + "; notifications since the incident began: " + string.Join("; ", Notifications().Skip(mark)));
        return found!;
    }

    /// <summary>
    /// Waits until both servers have been scraped <paramref name="scrapes"/> more times, the topology has evaluated
    /// every sample Kafka took, and the sink has delivered everything the topology emitted: only then does "nothing
    /// else was notified" mean something.
    /// </summary>
    public async Task SettleAsync(int scrapes = 3)
    {
        var target = Interlocked.Read(ref _scrapes) + 2 * scrapes;
        await Eventually.Until(() => Interlocked.Read(ref _scrapes) >= target, TimeSpan.FromSeconds(60), $"{scrapes} more scrapes of both servers");
        var delivered = _publisher!.Statistics.Delivered;
        await Eventually.Until(() => _publisher.Statistics.Delivered >= delivered && Streams.Counters.Samples >= delivered,
            TimeSpan.FromSeconds(60), $"the topology to evaluate the {delivered} samples published so far");
        await Eventually.Until(() => Sink.Stats.Consumed >= Streams.Counters.Firing + Streams.Counters.Resolved + Streams.Counters.OtherEvents && Sink.Stats.InFlight == 0,
            TimeSpan.FromSeconds(30), "the sink to deliver every alert event", () => $"sink {Sink.Stats}; topology firing {Streams.Counters.Firing}, resolved {Streams.Counters.Resolved}, other {Streams.Counters.OtherEvents}");
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await Task.WhenAll(_running); } catch (OperationCanceledException) { }
        if (_collector is not null) await _collector.DisposeAsync();
        if (_publisher is not null) await _publisher.DisposeAsync();
        Sink?.Dispose();
        if (Streams is not null) await Streams.DisposeAsync();
        Receiver.Dispose();
        _broker?.Dispose();
        try { Directory.Delete(_stateDir, true); } catch (IOException) { }
    }

    private static string Required(string variable) => Environment.GetEnvironmentVariable(variable)
        ?? throw new InvalidOperationException($"{variable} is not set: these tests need the incident PostgreSQL pair of scripts/services.sh (run ./test.sh, or eval \"$(scripts/services.sh start)\")");
}

/// <summary>One request the receiver got, in the fields the assertions need.</summary>
public sealed record Notification(string Rule, string Instance, string? Database, string? Standby, bool Firing, string Severity, string MessageId, string Subject)
{
    public static Notification Parse(string body)
    {
        var b = JsonDocument.Parse(body).RootElement;
        var labels = b.GetProperty("labels");
        string? Label(string name) => labels.TryGetProperty(name, out var v) ? v.GetString() : null;
        var subject = b.GetProperty("subject").GetString()!;
        return new Notification(b.GetProperty("alert_name").GetString()!, b.GetProperty("db_instance_id").GetString()!, Label("database"), Label("standby"),
            !subject.StartsWith("Resolved:", StringComparison.Ordinal), b.GetProperty("severity").GetString()!, b.GetProperty("message_id").GetString()!, subject);
    }

    public override string ToString() => $"{(Firing ? "FIRING" : "resolved")} {Rule} on {Instance}{(Database is null ? "" : "/" + Database)}{(Standby is null ? "" : "/" + Standby)} [{Severity}]";
}
