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
/// A schema registry outage, lived through by the Avro chain deployed as separate processes on real PostgreSQL
/// scrapes: `gds streams` cannot read the rules (Avro, into its global store) nor the samples while its registry is
/// down, so its supervisor restarts the stream until it can; then `gds sink` and `gds dw-import` cannot read the
/// alerts and samples while theirs is, nor can the dashboard (`gds ui`). Records wait and are read again; none is dead-lettered, lost or
/// delivered twice (docs/schemas.md, "What Avro changes"). Each reader meets the outage on its first lookup of a
/// schema: a process caches every schema id it has fetched, so an outage later on costs it nothing.
/// </summary>
public sealed class RegistryOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = ChainBed.Long;
    private const string RuleId = "outage-db-size";
    private const string Instance = "outage-pg";
    private const string MetricTopic = ChainBed.MetricTopic;
    /// <summary>How long gds streams' registry stays down once it has noticed: past what a restart's back-off covers.</summary>
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_registry_outage_delays_the_records_of_streams_sink_and_importer_and_loses_or_doubles_none()
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
        async Task<int?> FiringOnDashboard()
        {
            try { return JsonNode.Parse(await http.GetStringAsync("/api/alerts"))!["groups"]!.AsArray().Sum(g => (int)g!["firing"]!); }
            catch (HttpRequestException) { return null; }
        }
        var collect = bed.Start("collect", "collect", "--config", await bed.TargetsAsync(Instance), "--bootstrap", bootstrap,
            "--spool-dir", Path.Combine(bed.Dir, "spool"), "--format", "avro", "--schema-registry", registry);

        // 1. The stream can read neither the rules nor the samples (Avro): it names the registry it waits for, and
        // alerts nothing yet.
        await Eventually.Until(() => Read(bootstrap, MetricTopic).Count >= 20 && streams.Output.Contains(streamsRegistry.Url, StringComparison.Ordinal), Long,
            "Avro samples on the metric topic, and gds streams naming the registry it cannot reach", bed.Diagnostics);
        Assert.Empty(Read(bootstrap, TopicNames.Alerts));
        output.WriteLine(FirstLineNaming(streams, streamsRegistry.Url));
        // An outage longer than a restart or two: gds streams waits through it, as the other processes do.
        var outageEnds = DateTime.UtcNow + Outage;
        while (DateTime.UtcNow < outageEnds)
        {
            Assert.False(streams.HasExited, $"gds streams exited during a registry outage\n{streams.Tail()}");
            await Task.Delay(200);
        }

        // 2. Its registry is back: it reads the samples it could not, and fires once per database.
        streamsRegistry.Up();
        using var codec = RecordCodec.ForRegistry(registry);
        List<AlertEvent> Events() => Read(bootstrap, TopicNames.Alerts).Select(a => codec.Decode<AlertEvent>(TopicNames.Alerts, a.Message.Value)).ToList();
        HashSet<string> Databases() => Read(bootstrap, MetricTopic).Select(r => codec.Decode<Metric>(MetricTopic, r.Message.Value))
            .Where(m => m.MetricName == "pg_database_size_bytes").Select(m => m.Labels["database"]).ToHashSet();
        await Eventually.Until(() => Events().Where(e => e.Status == AlertStatus.Firing).Select(e => e.SeriesLabels!["database"]).ToHashSet().SetEquals(Databases()),
            Long, "gds streams to fire for every database once its registry is back", bed.Diagnostics);
        Assert.Equal(0, await collect.StopAsync(Long));

        // 3. The sink, the importer and the dashboard cannot read what is on the topics: they say so, and deliver,
        // load and show nothing.
        await Eventually.Until(() => new[] { sink, dw, ui }.All(p => p.Output.Contains(readersRegistry.Url, StringComparison.Ordinal)),
            Long, "gds sink, gds dw-import and gds ui naming the registry they cannot reach", bed.Diagnostics);
        Assert.Empty(receiver.LogEntries);
        Assert.Equal(0, RowsLoaded(warehouse.ConnectionString));
        await Eventually.Until(async () => await FiringOnDashboard() is not null, Long, "the dashboard to answer", () => ui.Tail());
        Assert.Equal(0, await FiringOnDashboard());
        foreach (var p in new[] { sink, dw, ui }) output.WriteLine(FirstLineNaming(p, readersRegistry.Url));

        // 4. Their registry is back: every sample is loaded and every transition paged and shown, once.
        readersRegistry.Up();
        var samples = Read(bootstrap, MetricTopic).Count;
        var events = Events();
        await Eventually.Until(() => RowsLoaded(warehouse.ConnectionString) == samples && receiver.LogEntries.Count() == events.Count, Long,
            $"all {samples} samples loaded and all {events.Count} events delivered",
            () => $"{RowsLoaded(warehouse.ConnectionString)} rows, {receiver.LogEntries.Count()} notifications\n{bed.Diagnostics()}");
        var databases = Databases();
        Assert.True(databases.Count >= 2, $"the test server has several databases: {string.Join(", ", databases)}");
        Assert.Equal(databases.Count, events.Count(e => e.Status == AlertStatus.Firing));
        await Eventually.Until(async () => await FiringOnDashboard() == databases.Count, Long, $"the dashboard to show {databases.Count} firing alerts",
            () => ui.Tail());
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
        Assert.Equal(events.Count, receiver.LogEntries.Select(e => Notification.Parse(e.RequestMessage.Body!).MessageId).Distinct().Count());
        Assert.Empty(Read(bootstrap, TopicNames.MetricsDlq));
        Assert.Empty(Read(bootstrap, TopicNames.AlertsDlq));
    }

    private static string FirstLineNaming(GdsProcess p, string url) =>
        $"{p.Name}: " + p.Lines.First(l => l.Line.Contains(url, StringComparison.Ordinal)).Line;
}
