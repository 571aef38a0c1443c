using System.Text.RegularExpressions;
using Confluent.Kafka;
using Gds.Handling.Silences;
using Gds.Contracts.Alerts;
using Gds.Contracts.Metrics;
using Gds.Contracts.Serialization;
using Gds.Contracts.Silences;
using Gds.Contracts.Topics;
using Xunit.Abstractions;

namespace Gds.EndToEnd.Tests.Processes;

/// <summary>
/// Hygiene across partitions and processes, as Alertmanager gives it: two `gds streams` processes share 4 partitions,
/// and an inhibition rule whose <c>equal</c> is not the instance holds back every target alert of the fleet, whichever
/// process evaluates it; a silence that ends when its alerts resolve ends only once the last of them, anywhere, has.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class FleetHygieneTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);
    private const string SourceRule = "site-down";
    private const string SourceInstance = "site-gateway";
    private static readonly IReadOnlyList<string> Targets = Enumerable.Range(0, 10).Select(i => $"tgt-{i}").ToList();

    [Fact]
    public async Task A_source_on_one_partition_inhibits_the_targets_on_every_partition_and_its_resolution_releases_them_all()
    {
        await using var c = await StreamsCluster.StartAsync();
        await RulePublisher.PublishAsync(c.Clients, [SiteDown()], prune: false, CancellationToken.None);
        await RulePublisher.PublishInhibitRulesAsync(c.Clients, [new InhibitRule
        {
            Name = "site-down-mutes-connections",
            SourceMatchers = [$"rule_id={SourceRule}"],
            TargetMatchers = [$"rule_id={StreamsCluster.RuleId}", "instance_id=~tgt-.*"],
            Equal = ["environment"],
        }], prune: false, CancellationToken.None);
        var (a, b, http) = await StartTwoAsync(c);
        Assert.True(Targets.Select(t => KeyPartitioner.PartitionFor(t, StreamsCluster.Partitions)).Distinct().Count() == StreamsCluster.Partitions,
            "the targets should be spread over every partition");

        using var source = new SourceMetric(c.Clients);
        source.Produce(0);
        var fired = await WaitForAsync(c, SourceRule, SourceInstance, AlertStatus.Firing, "the source alert to fire");
        await EveryProcessKnowsAsync(http, firing: 1, "the source alert");

        c.Load.Set(Targets, MetricLoad.Breaching);
        c.Load.Round();
        await c.Alerts.WaitAsync(r => TargetEvents(r, AlertStatus.Firing).Count == Targets.Count, Long, "10 target firing events", c.Diagnostics);
        await EveryProcessKnowsAsync(http, firing: 1 + Targets.Count, "the source and the 10 targets");
        var targetFiring = TargetEvents(c.Alerts.Records, AlertStatus.Firing);
        output.WriteLine($"target alerts on partitions {string.Join(",", targetFiring.Select(r => KeyPartitioner.PartitionFor(r.Event.InstanceId, StreamsCluster.Partitions)).Distinct().Order())}; "
            + $"process a owns [{string.Join(",", a.OwnedPartitions())}], b owns [{string.Join(",", b.OwnedPartitions())}]");
        foreach (var r in targetFiring)
            Assert.True(r.Event.InhibitedBy is [var by] && by == fired.DedupKey,
                $"{r.Event.InstanceId} (partition {KeyPartitioner.PartitionFor(r.Event.InstanceId, StreamsCluster.Partitions)}) should be inhibited by {fired.DedupKey}, was by [{string.Join(",", r.Event.InhibitedBy ?? [])}]");

        source.Produce(1);
        await WaitForAsync(c, SourceRule, SourceInstance, AlertStatus.Resolved, "the source alert to resolve");
        await EveryProcessKnowsAsync(http, firing: Targets.Count, "the source resolved");
        await c.Alerts.WaitAsync(r => Released(r).Count == Targets.Count, Long, "a release notice for each of the 10 targets", c.Diagnostics);
        var released = Released(c.Alerts.Records);
        Assert.All(released, r => Assert.True(r.Event.ShouldNotify));

        // The sink pages the release notices, and never paged the inhibited firing events before them.
        var releaseIds = released.Select(r => r.Event.EventId).ToHashSet();
        await WaitUntilAsync(() => releaseIds.IsSubsetOf(c.Notifications().Select(n => n.MessageId)), "the sink to deliver the 10 release notices", c.Diagnostics);
        var paged = c.Notifications().Select(n => n.MessageId).ToHashSet();
        Assert.DoesNotContain(targetFiring, r => paged.Contains(r.Event.EventId));
    }

    [Fact]
    public async Task A_silence_until_resolved_ends_once_its_last_alert_anywhere_in_the_fleet_has_resolved()
    {
        await using var c = await StreamsCluster.StartAsync();
        var silenceId = "maint-" + Guid.NewGuid().ToString("N")[..6];
        // Active at the load's event times (hygiene judges an event at its sample time) and at the wall clock (ticks).
        await SilenceTopic.PublishAsync(c.Clients, new Silence
        {
            Id = silenceId, Matchers = ["instance_id=~tgt-.*"], StartsAt = MetricLoad.T0.AddDays(-1), EndsAt = DateTimeOffset.UtcNow.AddHours(2),
            CreatedBy = "test", Comment = "maintenance of the tgt fleet", UntilResolved = true,
        }, CancellationToken.None);
        using var silences = new SilenceLog(c.Clients, silenceId);
        // Published before the processes start: they restore the silences' global store whole before they process
        // anything, so no target can fire before its silence is known.
        var (_, _, http) = await StartTwoAsync(c);

        c.Load.Set(Targets, MetricLoad.Breaching);
        c.Load.Round();
        await c.Alerts.WaitAsync(r => TargetEvents(r, AlertStatus.Firing).Count == Targets.Count, Long, "10 target firing events", c.Diagnostics);
        Assert.All(TargetEvents(c.Alerts.Records, AlertStatus.Firing), r => Assert.Equal([silenceId], r.Event.SilencedBy));
        await EveryProcessKnowsAsync(http, firing: Targets.Count, "the 10 silenced alerts");

        // All but the targets of one partition resolve: their tasks see nothing of the silence's firing there, the
        // fleet does, so the silence stays.
        var last = KeyPartitioner.PartitionFor(Targets[0], StreamsCluster.Partitions);
        var lastTargets = Targets.Where(t => KeyPartitioner.PartitionFor(t, StreamsCluster.Partitions) == last).ToList();
        var others = Targets.Except(lastTargets).ToList();
        c.Load.Set(others, MetricLoad.Healthy);
        c.Load.Round();
        await c.Alerts.WaitAsync(r => TargetEvents(r, AlertStatus.Resolved).Count == others.Count, Long, $"{others.Count} resolved events", c.Diagnostics);
        await EveryProcessKnowsAsync(http, firing: lastTargets.Count, $"only the {lastTargets.Count} targets of partition {last} firing");
        // Several ticks of every task (1 s each) with the fleet in this state: none may end the silence.
        var ticks = DateTime.UtcNow.AddSeconds(3);
        await WaitUntilAsync(() => DateTime.UtcNow > ticks || silences.Expiries.Count > 0, "three ticks", c.Diagnostics);
        Assert.Empty(silences.Expiries);

        c.Load.Set(lastTargets, MetricLoad.Healthy);
        c.Load.Round();
        await c.Alerts.WaitAsync(r => TargetEvents(r, AlertStatus.Resolved).Count == Targets.Count, Long, "every target resolved", c.Diagnostics);
        await WaitUntilAsync(() => silences.Expiries.Count > 0, "the silence's expiry on gds.silences", c.Diagnostics);
        var expiry = Assert.Single(silences.Expiries);
        Assert.True(expiry.EndsAt <= DateTimeOffset.UtcNow, $"the expiry should end the silence now, ends at {expiry.EndsAt}");
        await EveryProcessKnowsAsync(http, firing: 0, "no alert firing");
        // One task decides each silence: a few more ticks add no second expiry.
        var after = DateTime.UtcNow.AddSeconds(3);
        await WaitUntilAsync(() => DateTime.UtcNow > after || silences.Expiries.Count > 1, "three more ticks", c.Diagnostics);
        Assert.Single(silences.Expiries);
    }

    private static Rule SiteDown() => new()
    {
        Id = SourceRule, Kind = RuleKinds.Threshold, Op = "<", Value = 1, Severity = Severities.Critical,
        Selector = new RuleSelector { Metric = "pg_up", DatabaseType = "postgresql", Environment = "production" },
    };

    /// <summary>
    /// Two `gds streams` processes with /metrics, running and sharing the partitions, the sink delivering. The metric
    /// load then stops: the test produces each round itself (<see cref="MetricLoad.Round"/>), so that the probes are
    /// healthy whenever it counts the fleet's firing alerts.
    /// </summary>
    private static async Task<(GdsProcess A, GdsProcess B, ScrapedProcess[] Http)> StartTwoAsync(StreamsCluster c)
    {
        var http = new[] { ScrapedProcess.For("streams"), ScrapedProcess.For("streams") };
        var a = c.StartStreams(null, null, http[0].HttpArgs);
        var b = c.StartStreams(null, null, http[1].HttpArgs);
        c.StartSink();
        foreach (var p in new[] { a, b }) await p.WaitForLineAsync("running:", Long);
        c.Load.Start(TimeSpan.FromMilliseconds(500));
        await WaitUntilAsync(() => a.OwnedPartitions().Count > 0 && b.OwnedPartitions().Count > 0
            && a.OwnedPartitions().Union(b.OwnedPartitions()).Count() == StreamsCluster.Partitions, "the two processes to share the 4 partitions", c.Diagnostics);
        await c.WaitForAllPartitionsAsync(DateTime.UtcNow, Long, "every partition to emit");
        await c.Load.StopAsync();
        c.Load.Round();
        return (a, b, http);
    }

    /// <summary>Waits until each process's view of the fleet (gds_streams_fleet_firing_alerts) counts exactly this many firing alerts.</summary>
    private static async Task EveryProcessKnowsAsync(ScrapedProcess[] http, int firing, string what)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + Long;
        var seen = "";
        while (true)
        {
            var counts = new List<double>();
            foreach (var h in http)
            {
                var text = await client.GetStringAsync($"http://{h.Address}/metrics");
                var m = Regex.Match(text, @"^gds_streams_fleet_firing_alerts(\{[^}]*\})? ([0-9.eE+-]+)$", RegexOptions.Multiline);
                counts.Add(m.Success ? double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : -1);
            }
            seen = string.Join(", ", counts);
            if (counts.All(n => n == firing)) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"every process to know {what} (fleet firing counts {seen})");
            await Task.Delay(100);
        }
    }

    private static async Task<AlertEvent> WaitForAsync(StreamsCluster c, string rule, string instance, string status, string what)
    {
        await c.Alerts.WaitAsync(r => r.Any(x => x.Event.RuleId == rule && x.Event.InstanceId == instance && x.Event.Status == status), Long, what, c.Diagnostics);
        return c.Alerts.Records.First(x => x.Event.RuleId == rule && x.Event.InstanceId == instance && x.Event.Status == status).Event;
    }

    /// <summary>The target's events of this status, its release notices aside.</summary>
    private static List<AlertLog.Received> TargetEvents(IReadOnlyList<AlertLog.Received> records, string status) =>
        records.Where(r => IsTarget(r) && r.Event.Status == status && !IsFirstRelease(r.Event)).ToList();

    private static List<AlertLog.Received> Released(IReadOnlyList<AlertLog.Received> records) =>
        records.Where(r => IsTarget(r) && r.Event.Status == AlertStatus.Firing && IsFirstRelease(r.Event)).ToList();

    private static bool IsTarget(AlertLog.Received r) => r.Event.InstanceId.StartsWith("tgt-", StringComparison.Ordinal);

    /// <summary>The first release notice of an episode has this id (HygieneEvents.Released, release count 1).</summary>
    private static bool IsFirstRelease(AlertEvent e) =>
        e.EventId == Gds.Alerting.Events.EventIds.For(e.DedupKey, Gds.Alerting.Hygiene.HygieneEvents.ReleasedDiscriminator, e.StartsAt, 1);

    private static Task WaitUntilAsync(Func<bool> condition, string what, Func<string> diagnostics) =>
        Eventually.Until(condition, Long, what, diagnostics);

    /// <summary>pg_up of the source instance, at wall-clock time.</summary>
    private sealed class SourceMetric(KafkaClientFactory clients) : IDisposable
    {
        private readonly IProducer<string, byte[]> _producer = new ProducerBuilder<string, byte[]>(clients.ProducerConfig("source-metric")).Build();
        private int _n;

        public void Produce(double value)
        {
            _producer.Produce(MetricLoad.Topic, new Message<string, byte[]>
            {
                Key = SourceInstance,
                Value = GdsJson.Serialize(new Metric
                {
                    Timestamp = MetricLoad.T0.AddSeconds(++_n), DatabaseType = "postgresql", InstanceId = SourceInstance, MetricName = "pg_up", Value = value,
                    Tags = new Dictionary<string, string> { ["environment"] = "production" },
                }),
            });
            _producer.Flush(TimeSpan.FromSeconds(10));
        }

        public void Dispose() => _producer.Dispose();
    }

    /// <summary>The records of one silence on gds.silences after its first: the expiries.</summary>
    private sealed class SilenceLog : IDisposable
    {
        private readonly List<Silence> _records = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _reader;

        public SilenceLog(KafkaClientFactory clients, string id)
        {
            _reader = Task.Factory.StartNew(() =>
            {
                using var consumer = clients.CreateByteConsumer("silence-log-" + Guid.NewGuid().ToString("N"), "silence-log");
                consumer.Assign(new TopicPartitionOffset(TopicNames.Silences, 0, Offset.Beginning));
                while (!_stop.IsCancellationRequested)
                    if (consumer.Consume(TimeSpan.FromMilliseconds(100))?.Message is { Key: { } k, Value: { } v } && System.Text.Encoding.UTF8.GetString(k) == id)
                        lock (_records) _records.Add(GdsJson.Deserialize<Silence>(v));
            }, TaskCreationOptions.LongRunning);
        }

        public IReadOnlyList<Silence> Expiries
        {
            get { lock (_records) return _records.Skip(1).ToList(); }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _reader.Wait(TimeSpan.FromSeconds(10));
            _stop.Dispose();
        }
    }
}
