using System.Diagnostics;
using Confluent.Kafka;
using Gds.Contracts.Topics;
using Gds.EndToEnd.Tests.Incidents;
using Gds.Contracts.Alerts;
using Gds.Contracts.Metrics;
using Gds.Kafka.Wire;
using static Gds.EndToEnd.Tests.Processes.ChainReads;

namespace Gds.EndToEnd.Tests.Processes;

/// <summary>
/// Avro on the wire, deployed as users run it: `gds kafka` with its schema registry, and `gds rules publish`,
/// `gds streams`, `gds sink`, `gds dw-import` and `gds collect` as processes of their own, the collector scraping the
/// real test PostgreSQL. The collector starts in JSON and is restarted in Avro on the same spool, so the metric topic
/// holds both formats, as it does while a fleet moves from one to the other without stopping.
/// </summary>
public sealed class AvroChainTests
{
    private static readonly TimeSpan Long = ChainBed.Long;
    private const string RuleId = "avro-db-size";
    private const string Instance = "avro-pg";
    private const string MetricTopic = ChainBed.MetricTopic;

    [Fact]
    public async Task Real_scrapes_cross_the_chain_in_avro_after_the_collector_moves_from_json_and_every_transition_is_paged_once()
    {
        await using var bed = await ChainBed.StartAsync("avro");
        var (bootstrap, registry, receiver, warehouse) = (bed.Bootstrap, bed.Registry, bed.Receiver, bed.Warehouse);
        string[] avro = ["--format", "avro", "--schema-registry", registry];
        await bed.PublishDatabaseSizeRuleAsync(RuleId, avro);

        var streams = bed.Start("streams", ["streams", "--bootstrap", bootstrap, "--state-dir", Path.Combine(bed.Dir, "state"), .. avro]);
        // The storm limiter (5 notifications per rule + instance, then one a minute, the rest summarised) is off:
        // one rule pages per database of one instance here, and the shared test server holds as many databases
        // as the tests running beside this one have created. It has tests of its own (Gds.Notify.Tests).
        bed.Environment["GDS_Sink__RateLimit__Enabled"] = "false";
        bed.Start("sink", ["sink", "--bootstrap", bootstrap, "--notify-url", receiver.Url!, "--stats-every", "0", .. avro]);
        bed.Environment.Remove("GDS_Sink__RateLimit__Enabled");
        // A JSON writer that reads Avro: a consumer needs only the registry's address.
        var dw = bed.Start("dw-import", "dw-import", "--bootstrap", bootstrap, "--target", "postgresql", "--connection", warehouse.ConnectionString,
            "--init", "--schema-registry", registry);
        await streams.WaitForLineAsync("running:", Long);

        string[] collect = ["collect", "--config", await bed.TargetsAsync(Instance), "--bootstrap", bootstrap, "--spool-dir", Path.Combine(bed.Dir, "spool")];
        var inJson = bed.Start("collect-json", collect);
        await Eventually.Until(() => Firing(receiver).Count > 0 && Records(bootstrap, registry).Count(r => !RecordCodec.IsAvro(r.Message.Value)) >= 20, Long,
            "the JSON collector's samples to page", bed.Diagnostics);
        Assert.Equal(0, await inJson.StopAsync(Long));

        var inAvro = bed.Start("collect-avro", [.. collect, .. avro]);
        await Eventually.Until(() => Records(bootstrap, registry).Count(r => RecordCodec.IsAvro(r.Message.Value)) >= 20, Long,
            "20 Avro samples on the metric topic", bed.Diagnostics);
        Assert.Equal(0, await inAvro.StopAsync(Long));

        // Samples read from Kafka = rows loaded, whichever format each was written in.
        var samples = Records(bootstrap, registry);
        await Eventually.Until(() => RowsLoaded(warehouse.ConnectionString) == samples.Count, Long,
            $"the warehouse to load all {samples.Count} samples", () => $"{RowsLoaded(warehouse.ConnectionString)} rows\n{dw.Tail()}");

        // One alert per database the collector reported, fired once across the switch of formats.
        using var codec = RecordCodec.ForRegistry(registry);
        var databases = samples.Select(r => codec.Decode<Metric>(MetricTopic, r.Message.Value))
            .Where(m => m.MetricName == "pg_database_size_bytes").Select(m => m.Labels["database"]).ToHashSet();
        Assert.True(databases.Count >= 2, $"the test server has several databases: {string.Join(", ", databases)}");
        await Eventually.Until(() => Firing(receiver).Select(n => n.Database).ToHashSet().SetEquals(databases), Long,
            $"a page for each of {string.Join(", ", databases)}", () => string.Join("; ", Firing(receiver)) + "\n" + bed.Diagnostics());
        var alerts = Read(bootstrap, TopicNames.Alerts);
        Assert.All(alerts, a => Assert.True(RecordCodec.IsAvro(a.Message.Value), "gds streams writes Avro"));
        var events = alerts.Select(a => codec.Decode<AlertEvent>(TopicNames.Alerts, a.Message.Value)).ToList();
        // Transitions = notifications: every event the topology emitted was delivered, none twice.
        await Eventually.Until(() => receiver.LogEntries.Count() == events.Count, TimeSpan.FromSeconds(30), "the sink to deliver every event");
        Assert.Equal(databases.Count, events.Count(e => e.Status == AlertStatus.Firing));
        Assert.Equal(events.Count, receiver.LogEntries.Select(e => Notification.Parse(e.RequestMessage.Body!).MessageId).Distinct().Count());
        Assert.Empty(Read(bootstrap, TopicNames.MetricsDlq));

        // A reader nobody here wrote: Confluent's Python client decodes both topics through the registry.
        var decodedAlerts = await PythonReadAsync(bootstrap, registry, TopicNames.Alerts, events.Count);
        Assert.All(decodedAlerts, line => Assert.Equal(RuleId, line.GetProperty("value").GetProperty("rule_id").GetString()));
        var decodedMetrics = await PythonReadAsync(bootstrap, registry, MetricTopic, samples.Count);
        var avroMetrics = decodedMetrics.Where(l => l.TryGetProperty("value", out _)).ToList();
        Assert.Equal(samples.Count(r => RecordCodec.IsAvro(r.Message.Value)), avroMetrics.Count);
        Assert.All(avroMetrics, l => Assert.Equal(Instance, l.GetProperty("value").GetProperty("instance_id").GetString()));
    }

    private static List<ConsumeResult<byte[], byte[]>> Records(string bootstrap, string registry) => Read(bootstrap, MetricTopic);

    private static async Task<List<JsonElement>> PythonReadAsync(string bootstrap, string registry, string topic, int count)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Tools", "avro_read.py"), bootstrap, registry, topic, count.ToString() })
            psi.ArgumentList.Add(a);
        using var python = Process.Start(psi)!;
        var stdout = python.StandardOutput.ReadToEndAsync();
        var stderr = python.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Long);
        await python.WaitForExitAsync(timeout.Token);
        Assert.True(python.ExitCode == 0, $"avro_read.py {topic}: {await stderr}");
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(count, lines.Count);
        return lines;
    }
}
