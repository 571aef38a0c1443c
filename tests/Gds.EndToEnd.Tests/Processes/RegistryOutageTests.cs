using System.Text.Json.Nodes;
using Gds.Contracts.Alerts;
using Gds.Contracts.Metrics;
using Gds.Contracts.Topics;
using Gds.EndToEnd.Tests.Incidents;
using Gds.Kafka.Wire;
using Xunit.Abstractions;
using static Gds.EndToEnd.Tests.Processes.ChainReads;

namespace Gds.EndToEnd.Tests.Processes;

/// <summary>
/// Schema registry outages, lived through by the Avro chain deployed as separate processes on real PostgreSQL
/// scrapes: `gds streams` started while its registry is down, then losing it while it runs (it can read neither the
/// Avro rules nor the samples without it); `gds collect` started while its registry is down (its scrapes wait in its
/// spool); then `gds sink`, `gds dw-import` and the dashboard (`gds ui`) started while theirs is down. Each waits and reads the records again once the registry answers; none is dead-lettered, lost or
/// delivered twice (docs/schemas.md, "What Avro changes"). A process caches every schema id it has fetched, so an
/// outage costs a reader something only on a schema it has not read yet: here, its first.
/// </summary>
public sealed class RegistryOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = ChainBed.Long;
    private const string RuleId = "outage-db-size";
    private const string Instance = "outage-pg";
    private const string MetricTopic = ChainBed.MetricTopic;
    /// <summary>How long gds streams' registry stays down once it has noticed: at its start past the 1 + 2 s between
    /// the three attempts it had, while it runs a few restarts' back-off.</summary>
    private static readonly TimeSpan StartOutage = TimeSpan.FromSeconds(12), RunOutage = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Registry_outages_delay_the_records_of_every_process_of_the_chain_and_lose_or_double_none()
    {
        await using var bed = await ChainBed.StartAsync("outage");
        var (bootstrap, registry, receiver, warehouse) = (bed.Bootstrap, bed.Registry, bed.Receiver, bed.Warehouse);
        // The storm limiter is off: one rule pages per database here (see AvroChainTests).
        bed.Environment["GDS_Sink__RateLimit__Enabled"] = "false";
        await bed.PublishDatabaseSizeRuleAsync(RuleId, "--format", "avro", "--schema-registry", registry);
        // The registry as each reader reaches it: down until the test brings it up.
        using var streamsRegistry = new TcpRelay(registry);
        using var readersRegistry = new TcpRelay(registry);

        var streams = bed.Start("streams", "streams", "--bootstrap", bootstrap, "--state-dir", Path.Combine(bed.Dir, "state"),
            "--format", "avro", "--schema-registry", streamsRegistry.Url);
        var sink = bed.Start("sink", "sink", "--bootstrap", bootstrap, "--notify-url", receiver.Url!, "--stats-every", "0",
            "--format", "avro", "--schema-registry", readersRegistry.Url);
        var dw = bed.Start("dw-import", "dw-import", "--bootstrap", bootstrap, "--target", "postgresql", "--connection", warehouse.ConnectionString,
            "--init", "--schema-registry", readersRegistry.Url);
        var uiPort = ScrapedProcess.FreePort();
        var ui = bed.Start("ui", "ui", "--bootstrap", bootstrap, "--listen", $"127.0.0.1:{uiPort}", "--schema-registry", readersRegistry.Url);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{uiPort}/") };
        var dashboard = "";
        async Task<int?> FiringOnDashboard()
        {
            try
            {
                dashboard = await http.GetStringAsync("/api/alerts");
                return JsonNode.Parse(dashboard)!["groups"]!.AsArray().Sum(g => (int)g!["firing"]!);
            }
            catch (HttpRequestException) { return null; }
        }
        // 1. gds streams started while its registry is down waits for it, past the three attempts a failed start
        // had before it gave up, then starts its stream and reads the rules (Avro) once the registry answers.
        await streams.WaitForLineAsync("the stream waits: the schema registry at " + streamsRegistry.Url, Long);
        await StaysUpAsync(streams, StartOutage);
        streamsRegistry.Up();
        var running = await streams.WaitForLineAsync("running:", Long);

        // 2. The collector starts while its registry is down: its scrapes wait in the spool, and nothing reaches Kafka.
        streamsRegistry.Down();
        using var collectorRegistry = new TcpRelay(registry);
        var collect = bed.Start("collect", "collect", "--config", await bed.TargetsAsync(Instance), "--bootstrap", bootstrap,
            "--spool-dir", Path.Combine(bed.Dir, "spool"), "--format", "avro", "--schema-registry", collectorRegistry.Url);
        await collect.WaitForLineAsync("samples wait in the spool: registering the metric.avsc schema for " + MetricTopic, Long);
        await StaysUpAsync(collect, RunOutage);
        Assert.Empty(Read(bootstrap, MetricTopic));
        output.WriteLine(FirstLineNaming(collect, collectorRegistry.Url));
        collectorRegistry.Up();

        // 3. The registry goes down while gds streams runs: the first sample it cannot decode stops the stream thread,
        // and the supervisor waits for the registry instead of restarting towards giving up. Nothing is alerted.
        await streams.WaitForLineAsync("the stream waits: the schema registry at " + streamsRegistry.Url, Long, since: running);
        await Eventually.Until(() => Read(bootstrap, MetricTopic).Count >= 20, Long, "20 Avro samples on the metric topic", bed.Diagnostics);
        await StaysUpAsync(streams, RunOutage);
        Assert.Empty(Read(bootstrap, TopicNames.Alerts));
        foreach (var (_, line) in streams.Lines.Where(l => l.Line.Contains("StreamSupervisor", StringComparison.Ordinal))) output.WriteLine("streams: " + line);

        // 4. Its registry is back: it reads the samples it could not, and fires once per database.
        streamsRegistry.Up();
        using var codec = RecordCodec.ForRegistry(registry);
        List<AlertEvent> Events() => Read(bootstrap, TopicNames.Alerts).Select(a => codec.Decode<AlertEvent>(TopicNames.Alerts, a.Message.Value)).ToList();
        HashSet<string> Databases() => Read(bootstrap, MetricTopic).Select(r => codec.Decode<Metric>(MetricTopic, r.Message.Value))
            .Where(m => m.MetricName == "pg_database_size_bytes").Select(m => m.Labels["database"]).ToHashSet();
        await Eventually.Until(() => Events().Where(e => e.Status == AlertStatus.Firing).Select(e => e.SeriesLabels!["database"]).ToHashSet().SetEquals(Databases()),
            Long, "gds streams to fire for every database once its registry is back", bed.Diagnostics);
        Assert.Equal(0, await collect.StopAsync(Long));

        // 5. The sink, the importer and the dashboard cannot read what is on the topics: they say so, and deliver,
        // load and show nothing.
        await Eventually.Until(() => new[] { sink, dw, ui }.All(p => p.Output.Contains(readersRegistry.Url, StringComparison.Ordinal)),
            Long, "gds sink, gds dw-import and gds ui naming the registry they cannot reach", bed.Diagnostics);
        Assert.Empty(receiver.LogEntries);
        Assert.Equal(0, RowsLoaded(warehouse.ConnectionString));
        await Eventually.Until(async () => await FiringOnDashboard() is not null, Long, "the dashboard to answer", () => ui.Tail());
        Assert.Equal(0, await FiringOnDashboard());
        foreach (var p in new[] { sink, dw, ui }) output.WriteLine(FirstLineNaming(p, readersRegistry.Url));

        // 6. Their registry is back: every sample is loaded (the spooled ones too) and every transition paged and shown,
        // once.
        readersRegistry.Up();
        var samples = Read(bootstrap, MetricTopic).Count;
        var events = Events();
        await Eventually.Until(() => RowsLoaded(warehouse.ConnectionString) == samples && receiver.LogEntries.Count() == events.Count, Long,
            $"all {samples} samples loaded and all {events.Count} events delivered",
            () => $"{RowsLoaded(warehouse.ConnectionString)} rows, {receiver.LogEntries.Count()} notifications\n{bed.Diagnostics()}");
        var databases = Databases();
        Assert.True(databases.Count >= 2, $"the test server has several databases: {string.Join(", ", databases)}");
        Assert.Equal(databases.Count, events.Count(e => e.Status == AlertStatus.Firing));
        await Eventually.Until(async () => await FiringOnDashboard() == databases.Count, Long,
            $"the dashboard to show {databases.Count} firing alerts, one per database ({string.Join(", ", databases.Order())})",
            () => $"/api/alerts: {dashboard}\n{ui.Tail()}");
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
        Assert.Equal(events.Count, receiver.LogEntries.Select(e => Notification.Parse(e.RequestMessage.Body!).MessageId).Distinct().Count());
        Assert.Empty(Read(bootstrap, TopicNames.MetricsDlq));
        Assert.Empty(Read(bootstrap, TopicNames.AlertsDlq));
    }

    /// <summary>Holds an outage for <paramref name="outage"/>, failing as soon as the process exits.</summary>
    private static async Task StaysUpAsync(GdsProcess process, TimeSpan outage)
    {
        var ends = DateTime.UtcNow + outage;
        while (DateTime.UtcNow < ends)
        {
            Assert.False(process.HasExited, $"{process.Name} exited during a registry outage\n{process.Tail()}");
            await Task.Delay(200);
        }
    }

    private static string FirstLineNaming(GdsProcess p, string url) =>
        $"{p.Name}: " + p.Lines.First(l => l.Line.Contains(url, StringComparison.Ordinal)).Line;
}
