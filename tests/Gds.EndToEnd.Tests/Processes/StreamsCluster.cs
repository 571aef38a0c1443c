using WireMock.Server;

namespace Gds.EndToEnd.Tests.Processes;

/// <summary>
/// What a user runs for a scaled-out deployment, on the embedded broker: `gds streams` processes (each with its own
/// state directory, one application id), `gds sink` delivering to a receiver, a threshold rule, a metric load and a
/// reader of gds.alerts. Everything it started is stopped on dispose, also when the test fails.
/// </summary>
internal sealed class StreamsCluster : IAsyncDisposable
{
    public const int Partitions = 4;
    public static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(6);
    public const string RuleId = "conn-high";

    private readonly List<GdsProcess> _processes = [];
    private readonly string _root = Path.Combine(Path.GetTempPath(), "gds-cluster-" + Guid.NewGuid().ToString("N"));
    private int _streamsStarted;

    public required EmbeddedBroker Broker { get; init; }
    public required KafkaClientFactory Clients { get; init; }
    public required WireMockServer Receiver { get; init; }
    public required AlertLog Alerts { get; init; }
    public required MetricLoad Load { get; init; }
    public GdsProcess? Sink { get; private set; }
    public string Bootstrap => Broker.BootstrapServers;

    public static async Task<StreamsCluster> StartAsync()
    {
        // As a Kafka broker does, a new group waits a moment for more members before its first assignment.
        var broker = EmbeddedBroker.Start(initialRebalanceDelay: TimeSpan.FromSeconds(3));
        await new EmbeddedTopicCreator(broker).EnsureAsync(DevTopics.All(Partitions));
        var clients = new KafkaClientFactory(broker.BootstrapServers);
        await RulePublisher.PublishAsync(clients, [new Rule
        {
            Id = RuleId, Kind = RuleKinds.Threshold, Op = ">", Value = 0.9, Severity = Severities.Warning,
            Selector = new RuleSelector { Metric = "pg_connections_used_ratio", DatabaseType = "postgresql", Environment = "production" },
        }], prune: false, CancellationToken.None);
        var receiver = WireMockServer.Start();
        receiver.Given(Request.Create().WithPath("/ingest").UsingPost()).RespondWith(Response.Create().WithStatusCode(202));
        return new StreamsCluster
        {
            Broker = broker, Clients = clients, Receiver = receiver,
            Alerts = new AlertLog(clients, Partitions), Load = new MetricLoad(clients, Partitions),
        };
    }

    /// <summary>A `gds streams` process with its own state directory (an existing one when restarting).</summary>
    public GdsProcess StartStreams(string? stateDir = null, IReadOnlyDictionary<string, string>? environment = null, params string[] extra)
    {
        var n = Interlocked.Increment(ref _streamsStarted);
        stateDir ??= Path.Combine(_root, $"state-{n}");
        var p = GdsProcess.Start($"streams-{n}", WithDefaults(environment), ["streams", "--bootstrap", Bootstrap, "--state-dir", stateDir,
            "--session-timeout", $"{SessionTimeout.TotalSeconds}s", .. extra]);
        StateDirs[p] = stateDir;
        lock (_processes) _processes.Add(p);
        return p;
    }

    public Dictionary<GdsProcess, string> StateDirs { get; } = [];

    /// <summary>
    /// The processes' self-report is off unless a test turns it on: <see cref="MetricLoad"/> writes its samples at a
    /// fixed event time in 2025, and self-reported records at wall-clock time in the same tasks would move those
    /// tasks' time years ahead, which no real deployment (every record at wall-clock time) does.
    /// </summary>
    private static Dictionary<string, string> WithDefaults(IReadOnlyDictionary<string, string>? environment)
    {
        var all = new Dictionary<string, string> { ["GDS_SelfReport__Enabled"] = "false" };
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) all[k] = v;
        return all;
    }

    public GdsProcess StartSink(IReadOnlyDictionary<string, string>? environment = null, params string[] extra)
    {
        Sink = GdsProcess.Start("sink", WithDefaults(environment), ["sink", "--bootstrap", Bootstrap, "--notify-url", Receiver.Url!, "--stats-every", "0", .. extra]);
        lock (_processes) _processes.Add(Sink);
        return Sink;
    }

    /// <summary>Waits until every metric partition's probe emits again, after <paramref name="since"/>; returns when each did first.</summary>
    public async Task<Dictionary<int, DateTime>> WaitForAllPartitionsAsync(DateTime since, TimeSpan timeout, string what)
    {
        var first = new Dictionary<int, DateTime>();
        await Alerts.WaitAsync(records =>
        {
            foreach (var r in records)
                if (r.At > since && MetricLoad.PartitionOfProbe(r.Event.InstanceId) is { } p && !first.ContainsKey(p)) first[p] = r.At;
            return first.Count == Partitions;
        }, timeout, what, Diagnostics);
        return first;
    }

    /// <summary>What each notification posted to the receiver was: message_id and db_instance_id.</summary>
    public List<(string MessageId, string Instance)> Notifications() =>
        Receiver.LogEntries.Select(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement)
            .Select(b => (b.GetProperty("message_id").GetString()!, b.GetProperty("db_instance_id").GetString()!)).ToList();

    public string Diagnostics()
    {
        lock (_processes) return string.Join("\n", _processes.Select(p => $"{p.Name}: owns [{string.Join(",", p.OwnedPartitions())}]{(p.HasExited ? $" exited {p.ExitCode}" : "")}\n{p.Tail(25)}"));
    }

    public async ValueTask DisposeAsync()
    {
        try { await Load.DisposeAsync(); }
        catch (Exception) { /* the processes below are stopped whatever went wrong with the load */ }
        // GDS_TEST_LOGS=DIR keeps every process's output for a post-mortem.
        var keep = Environment.GetEnvironmentVariable("GDS_TEST_LOGS");
        lock (_processes)
            foreach (var p in _processes)
            {
                p.Dispose(); // never throws: every process is stopped whatever happens to the others
                if (string.IsNullOrEmpty(keep)) continue;
                try
                {
                    Directory.CreateDirectory(keep);
                    File.WriteAllLines(Path.Combine(keep, $"{p.Name}-{p.Pid}.log"), p.Lines.Select(l => $"{l.At:HH:mm:ss.fff} {l.Line}"));
                }
                catch (IOException) { }
            }
        await Alerts.DisposeAsync();
        Receiver.Dispose();
        Broker.Dispose();
        try { Directory.Delete(_root, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
