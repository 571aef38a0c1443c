using Gds.Cli.Dev;
using Gds.Notify;
using Gds.Topology.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using WireMock.Server;

namespace Gds.EndToEnd.Tests;

/// <summary>
/// The whole pipeline in one test process: embedded broker with every topic, the shipped rule packs published
/// time-scaled as `gds dev` runs them, the topology running, and the sink delivering to a WireMock server that
/// answers <paramref name="status"/>.
/// </summary>
internal sealed class RunningPipeline : IAsyncDisposable
{
    public required EmbeddedBroker Broker { get; init; }
    public required KafkaClientFactory Clients { get; init; }
    public required IReadOnlyList<Rule> Rules { get; init; }
    public required WireMockServer Receiver { get; init; }
    public required StreamsHost Streams { get; init; }
    public required NotificationSink Sink { get; init; }
    private readonly CancellationTokenSource _stopSink = new();
    private Task? _sinkRun;
    private string _stateDir = "";

    public static async Task<RunningPipeline> StartAsync(int partitions, int status)
    {
        var broker = EmbeddedBroker.Start();
        var topics = new EmbeddedTopicCreator(broker);
        await topics.EnsureAsync(DevTopics.All(partitions));
        var clients = new KafkaClientFactory(broker.BootstrapServers);
        var packs = RuleSet.Read([RepoPaths.Examples("rules")]);
        Assert.True(packs.IsValid, string.Join("\n", packs.AllErrors));
        var rules = DevRules.Scale(packs.Rules, DevRules.DefaultTimeScale);
        await RulePublisher.PublishAsync(clients, rules, prune: false, CancellationToken.None);

        var receiver = WireMockServer.Start();
        receiver.Given(Request.Create().WithPath("/ingest").UsingPost()).RespondWith(Response.Create().WithStatusCode(status));
        var stateDir = Path.Combine(Path.GetTempPath(), "gds-e2e-" + Guid.NewGuid().ToString("N"));
        var streams = new StreamsHost(new StreamsHostOptions { BootstrapServers = broker.BootstrapServers, StateDir = stateDir }, topics);
        await streams.StartAsync();
        await streams.WaitUntilRunningAsync(TimeSpan.FromSeconds(60));
        var p = new RunningPipeline
        {
            Broker = broker, Clients = clients, Rules = rules, Receiver = receiver, Streams = streams,
            Sink = new NotificationSink(new SinkOptions { NotifyUrl = receiver.Url! }, clients, NullLoggerFactory.Instance),
        };
        p._stateDir = stateDir;
        p._sinkRun = p.Sink.RunAsync(p._stopSink.Token);
        return p;
    }

    public async Task StopSinkAsync()
    {
        await _stopSink.CancelAsync();
        if (_sinkRun is not null) await _sinkRun;
    }

    public async ValueTask DisposeAsync()
    {
        await StopSinkAsync();
        Sink.Dispose();
        await Streams.DisposeAsync();
        Receiver.Dispose();
        Broker.Dispose();
        try { Directory.Delete(_stateDir, true); } catch (IOException) { }
    }
}
