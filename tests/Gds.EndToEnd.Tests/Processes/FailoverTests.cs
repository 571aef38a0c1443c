using Confluent.Kafka;
using Gds.Contracts.Alerts;
using Xunit.Abstractions;

namespace Gds.EndToEnd.Tests.Processes;

/// <summary>
/// Several `gds streams` processes sharing the partitions, as users scale out: one is killed under load, one joins
/// under load, all are restarted, and the group is even replayed from offset 0. Whatever happens, every instance
/// gets exactly one firing and one resolved notification, and no record appears twice on gds.alerts.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class FailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);
    /// <summary>
    /// A take-over, not a stall. One round on the embedded broker is the session timeout for the group to notice the
    /// dead member, then the broker's rebalance wait (a session timeout less a second for members to rejoin, where a
    /// Kafka broker proceeds once they have), then the restore: 11–13 s here. A full CI run on a loaded machine once
    /// took 22.2 s, about two rounds (as when a survivor rejoins too late for the first), so the limit allows two
    /// rounds and a margin. It stays under what a stalled survivor takes to come back through the supervisor (three
    /// session timeouts, at least 30 s, of silence before a restart: 48 s after the kill), the failure it guards.
    /// </summary>
    private static readonly TimeSpan TakeOverLimit = 4 * StreamsCluster.SessionTimeout + TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Killing_one_of_two_processes_under_load_loses_and_doubles_nothing_and_a_third_joining_takes_its_share()
    {
        await using var c = await StreamsCluster.StartAsync();
        var a = c.StartStreams();
        var b = c.StartStreams();
        c.StartSink();
        await RunningAsync(c, a, b);

        var first = Instances("db", 200);
        c.Load.Set(first, MetricLoad.Breaching);
        await c.Alerts.WaitAsync(r => Count(r, first, AlertStatus.Firing) == first.Count, Long, "200 firing events", c.Diagnostics);

        var (victim, survivor) = a.OwnedPartitions().Count > 0 ? (a, b) : (b, a);
        var owned = victim.OwnedPartitions();
        var killedAt = DateTime.UtcNow;
        victim.Kill();
        var resumed = await c.WaitForAllPartitionsAsync(killedAt.AddSeconds(1), Long, "the survivor to process every partition");
        Report("kill 1 of 2", killedAt, owned, resumed);
        Assert.Equal([0, 1, 2, 3], survivor.OwnedPartitions().Order());

        c.Load.Set(first, MetricLoad.Healthy);
        await c.Alerts.WaitAsync(r => Count(r, first, AlertStatus.Resolved) == first.Count, Long, "200 resolved events", c.Diagnostics);

        // New instances, and a third process that joins while they are evaluated.
        var added = Instances("new", 40);
        c.Load.Set(added, MetricLoad.Breaching);
        var joinedAt = DateTime.UtcNow;
        var third = c.StartStreams();
        await third.WaitForLineAsync("running:", Long);
        var assigned = await third.WaitForLineAsync("assigned", Long);
        var afterJoin = await c.WaitForAllPartitionsAsync(assigned, Long, "every partition after the third process joined");
        output.WriteLine($"join: third process started {joinedAt:HH:mm:ss.fff}, assigned {(assigned - joinedAt).TotalSeconds:F1} s later, every partition emitting again {(afterJoin.Values.Max() - joinedAt).TotalSeconds:F1} s after start; owns [{string.Join(",", third.OwnedPartitions())}]");
        Assert.NotEmpty(third.OwnedPartitions());
        await c.Alerts.WaitAsync(r => Count(r, added, AlertStatus.Firing) == added.Count, Long, "40 firing events", c.Diagnostics);
        c.Load.Set(added, MetricLoad.Healthy);
        await c.Alerts.WaitAsync(r => Count(r, added, AlertStatus.Resolved) == added.Count, Long, "40 resolved events", c.Diagnostics);

        await c.Load.StopAsync();
        await AssertEachOnceAsync(c, [.. first, .. added]);
    }

    [Fact]
    public async Task Three_processes_survive_a_kill_and_a_restart_of_all_and_a_replay_from_offset_0_repeats_nothing()
    {
        await using var c = await StreamsCluster.StartAsync();
        var streams = new List<GdsProcess> { c.StartStreams(), c.StartStreams(), c.StartStreams() };
        c.StartSink();
        await RunningAsync(c, [.. streams]);

        var instances = Instances("db", 120);
        c.Load.Set(instances, MetricLoad.Breaching);
        await c.Alerts.WaitAsync(r => Count(r, instances, AlertStatus.Firing) == instances.Count, Long, "120 firing events", c.Diagnostics);

        var victim = streams.First(s => s.OwnedPartitions().Count > 0);
        var owned = victim.OwnedPartitions();
        var killedAt = DateTime.UtcNow;
        victim.Kill();
        var resumed = await c.WaitForAllPartitionsAsync(killedAt.AddSeconds(1), Long, "the survivors to process every partition");
        Report("kill 1 of 3", killedAt, owned, resumed);
        c.Load.Set(instances, MetricLoad.Healthy);
        await c.Alerts.WaitAsync(r => Count(r, instances, AlertStatus.Resolved) == instances.Count, Long, "120 resolved events", c.Diagnostics);

        // Restart all: a clean stop commits what was processed, so the restart resumes there.
        await c.Load.StopAsync();
        await c.Alerts.SettleAsync(TimeSpan.FromSeconds(3), Long);
        var survivors = streams.Where(s => s != victim).ToList();
        await StopCleanlyAsync(survivors);
        AssertCommittedToTheEnd(c);
        var beforeRestart = c.Alerts.Records.Count;
        var restarted = streams.Select(s => c.StartStreams(c.StateDirs[s])).ToList();
        await RunningAsync(c, [.. restarted]);
        Assert.DoesNotContain(c.Alerts.Records.Skip(beforeRestart), r => !MetricLoad.IsProbe(r.Event.InstanceId));

        // A replay of everything from offset 0 (a group reset, a lost offsets topic): nothing is emitted again.
        await c.Load.StopAsync();
        await c.Alerts.SettleAsync(TimeSpan.FromSeconds(3), Long);
        await StopCleanlyAsync(restarted);
        ResetGroupToOffsetZero(c);
        var beforeReplay = c.Alerts.Records.Count;
        var replaying = streams.Select(s => c.StartStreams(c.StateDirs[s])).ToList();
        foreach (var p in replaying) await p.WaitForLineAsync("running:", Long);
        await WaitUntilCommittedToTheEndAsync(c);
        await c.Alerts.SettleAsync(TimeSpan.FromSeconds(3), Long);
        Assert.Equal(beforeReplay, c.Alerts.Records.Count);
        var suppressed = await StopCleanlyAsync(replaying);
        output.WriteLine($"replay from offset 0: {suppressed} repeated transitions suppressed, {c.Alerts.Records.Count - beforeReplay} records added to gds.alerts");
        Assert.True(suppressed > 0, "the replay should have met transitions already emitted");

        await AssertEachOnceAsync(c, instances);
    }

    /// <summary>
    /// The replay a crash brings after an episode ended: the last commit fell inside the episode, the resolved event
    /// and the store writes reached Kafka, then SIGKILL. The next start reads the episode's second half again with
    /// the series resolved (no state), so it looks like an episode that began at the first sample read again.
    /// </summary>
    [Fact]
    public async Task A_kill_after_an_episode_ended_reads_its_second_half_again_and_pages_nothing_twice()
    {
        await using var c = await StreamsCluster.StartAsync();
        // Offsets committed only by a clean stop, so the kill below leaves the commit where this test puts it.
        string[] rarely = ["--commit-interval", "1h"];
        var first = c.StartStreams(extra: rarely);
        c.StartSink();
        await OwnsEveryPartitionAsync(c, first);

        var instances = Instances("db", 20);
        c.Load.Set(instances, MetricLoad.Breaching);
        c.Load.Round();
        await c.Alerts.WaitAsync(r => Count(r, instances, AlertStatus.Firing) == instances.Count, Long, "20 firing events", c.Diagnostics);
        await StopCleanlyAsync([first]);
        AssertCommittedToTheEnd(c); // the commit: inside the episodes

        var second = c.StartStreams(c.StateDirs[first], extra: rarely);
        await OwnsEveryPartitionAsync(c, second);
        c.Load.Round(); // still breaching: the episodes' second half, after the commit
        c.Load.Set(instances, MetricLoad.Healthy);
        c.Load.Round();
        await c.Alerts.WaitAsync(r => Count(r, instances, AlertStatus.Resolved) == instances.Count, Long, "20 resolved events", c.Diagnostics);
        await WaitForEmittedMemoryAsync(c, instances, writes: 2); // the firing's and the resolved's
        second.Kill();

        var third = c.StartStreams(c.StateDirs[first]);
        await OwnsEveryPartitionAsync(c, third);
        await WaitUntilCommittedToTheEndAsync(c);
        await c.Alerts.SettleAsync(TimeSpan.FromSeconds(3), Long);
        var suppressed = await StopCleanlyAsync([third]);
        output.WriteLine($"replay of the episodes' second half after the kill: {suppressed} repeated transitions suppressed");
        await AssertEachOnceAsync(c, instances);
        Assert.True(suppressed >= 2 * instances.Count, $"{suppressed} repeats suppressed: the replay should have met each episode's firing and resolved again");
    }

    private static async Task OwnsEveryPartitionAsync(StreamsCluster c, GdsProcess streams)
    {
        await streams.WaitForLineAsync("running:", Long);
        var deadline = DateTime.UtcNow + Long;
        while (streams.OwnedPartitions().Count < StreamsCluster.Partitions)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{streams.Name} did not get every partition\n{c.Diagnostics()}");
            await Task.Delay(200);
        }
    }

    /// <summary>Waits until the changelog of alert-emitted holds <paramref name="writes"/> records for each instance's series.</summary>
    private static async Task WaitForEmittedMemoryAsync(StreamsCluster c, IReadOnlyList<string> instances, int writes)
    {
        var topic = Gds.Topology.AlertingTopology.ChangelogTopic("gds-streams", Gds.Topology.AlertingTopology.EmittedStore);
        var counts = instances.ToDictionary(i => $"{StreamsCluster.RuleId}:{i}:pg_connections_used_ratio", _ => 0, StringComparer.Ordinal);
        using var consumer = c.Clients.CreateByteConsumer("emitted-" + Guid.NewGuid().ToString("N"), "emitted-check");
        consumer.Assign(Enumerable.Range(0, StreamsCluster.Partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var deadline = DateTime.UtcNow + Long;
        while (counts.Values.Count(n => n < writes) is var missing && missing > 0)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{topic} holds fewer than {writes} records for {missing} of the series\n{c.Diagnostics()}");
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message.Key: { } bytes }
                && System.Text.Encoding.UTF8.GetString(bytes) is var key && counts.TryGetValue(key, out var n))
                counts[key] = n + 1;
        }
    }

    /// <summary>Waits until the processes run, own every partition between them, and every partition emits.</summary>
    private static async Task RunningAsync(StreamsCluster c, params GdsProcess[] streams)
    {
        foreach (var p in streams) await p.WaitForLineAsync("running:", Long);
        c.Load.Start(TimeSpan.FromMilliseconds(500));
        var deadline = DateTime.UtcNow + Long;
        while (streams.SelectMany(s => s.OwnedPartitions()).Distinct().Count() < StreamsCluster.Partitions
               || streams.Count(s => s.OwnedPartitions().Count > 0) < Math.Min(streams.Length, StreamsCluster.Partitions))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the processes did not share the partitions\n" + c.Diagnostics());
            await Task.Delay(200);
        }
        await c.WaitForAllPartitionsAsync(DateTime.UtcNow, Long, "every partition to emit");
    }

    /// <summary>SIGTERM each; each must exit 0 with a clean stop. Returns the repeats they suppressed in total.</summary>
    private static async Task<long> StopCleanlyAsync(IEnumerable<GdsProcess> streams)
    {
        var stops = streams.Select(async p => (p, code: await p.StopAsync(TimeSpan.FromSeconds(60)))).ToList();
        long suppressed = 0;
        foreach (var (p, code) in await Task.WhenAll(stops))
        {
            Assert.True(code == 0, $"{p.Name} exited {code}\n{p.Tail()}");
            Assert.DoesNotContain(p.Lines, l => l.Line.Contains("ObjectDisposedException", StringComparison.Ordinal));
            var stopped = p.Lines.Last(l => l.Line.Contains("stopped:", StringComparison.Ordinal)).Line;
            suppressed += long.Parse(System.Text.RegularExpressions.Regex.Match(stopped, @"repeats-suppressed=(\d+)").Groups[1].Value);
        }
        return suppressed;
    }

    private static List<TopicPartition> MetricPartitions() =>
        Enumerable.Range(0, StreamsCluster.Partitions).Select(p => new TopicPartition(MetricLoad.Topic, p)).ToList();

    private static void AssertCommittedToTheEnd(StreamsCluster c)
    {
        var (committed, ends) = CommittedAndEnds(c);
        Assert.Equal(ends, committed);
    }

    private static async Task WaitUntilCommittedToTheEndAsync(StreamsCluster c)
    {
        var deadline = DateTime.UtcNow + Long;
        while (CommittedAndEnds(c) is var (committed, ends) && !committed.SequenceEqual(ends))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the replay did not reach the end: committed {string.Join(",", committed)} of {string.Join(",", ends)}\n{c.Diagnostics()}");
            await Task.Delay(500);
        }
    }

    private static (List<long> Committed, List<long> Ends) CommittedAndEnds(StreamsCluster c)
    {
        using var consumer = c.Clients.CreateByteConsumer("gds-streams", "offset-check");
        var committed = consumer.Committed(MetricPartitions(), TimeSpan.FromSeconds(10)).OrderBy(o => o.Partition.Value).Select(o => o.Offset.Value).ToList();
        var ends = MetricPartitions().Select(tp => consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value).ToList();
        return (committed, ends);
    }

    /// <summary>Joins the (idle) group as a plain consumer and commits offset 0 on every metric partition.</summary>
    private static void ResetGroupToOffsetZero(StreamsCluster c)
    {
        var config = c.Clients.ConsumerConfig("gds-streams", "offset-reset");
        config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range;
        // The embedded broker waits the last joiner's session timeout (less 1 s) in every rebalance: keep it short.
        config.SessionTimeoutMs = (int)StreamsCluster.SessionTimeout.TotalMilliseconds;
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        consumer.Subscribe(MetricLoad.Topic);
        var deadline = DateTime.UtcNow + Long;
        while (consumer.Assignment.Count < StreamsCluster.Partitions)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the reset consumer got no assignment");
            consumer.Consume(TimeSpan.FromMilliseconds(200));
        }
        consumer.Commit(MetricPartitions().Select(tp => new TopicPartitionOffset(tp, 0)));
        consumer.Close();
        Assert.All(CommittedAndEnds(c).Committed, o => Assert.Equal(0, o));
    }

    /// <summary>
    /// No record twice on gds.alerts; each instance exactly one firing and one resolved event; and the sink posted
    /// each of them exactly once (message_id = event id).
    /// </summary>
    private static async Task AssertEachOnceAsync(StreamsCluster c, IReadOnlyList<string> instances)
    {
        var records = c.Alerts.Records;
        Assert.Empty(records.GroupBy(r => r.Event.EventId).Where(g => g.Count() > 1).Select(g => $"{g.Key} {g.First().Event.InstanceId} {g.First().Event.Status} x{g.Count()}"));
        var wrong = instances
            .Select(i => records.Where(r => r.Event.InstanceId == i).OrderBy(r => r.Event.EventTime).ToList())
            .Where(rs => !rs.Select(r => r.Event.Status).SequenceEqual([AlertStatus.Firing, AlertStatus.Resolved]))
            .Select(rs => string.Join("\n  ", rs.Select(r =>
                $"{r.Event.InstanceId} {r.Event.Status} seq {r.Event.Sequence} starts {r.Event.StartsAt:HH:mm:ss} at {r.Event.EventTime:HH:mm:ss} id {r.Event.EventId} (gds.alerts {r.Partition}@{r.Offset}, read {r.At:HH:mm:ss.fff})")))
            .ToList();
        Assert.True(wrong.Count == 0, $"instances without exactly one firing then one resolved event:\n  {string.Join("\n  ", wrong)}");

        // The probes flap every round: the sink's per rule+instance rate limit rightly summarises them.
        var watched = instances.ToHashSet();
        var ids = records.Where(r => watched.Contains(r.Event.InstanceId)).Select(r => r.Event.EventId).ToHashSet();
        var deadline = DateTime.UtcNow + Long;
        while (!ids.IsSubsetOf(c.Notifications().Select(n => n.MessageId)))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the sink posted {c.Notifications().Select(n => n.MessageId).Intersect(ids).Count()} of the {ids.Count} notifications\n{c.Diagnostics()}");
            await Task.Delay(200);
        }
        var notifications = c.Notifications();
        Assert.Empty(notifications.Where(n => watched.Contains(n.Instance)).GroupBy(n => n.MessageId).Where(g => g.Count() > 1).Select(g => g.Key));
        var byInstance = notifications.ToLookup(n => n.Instance, n => n.MessageId);
        foreach (var instance in instances)
            Assert.Equal(records.Where(r => r.Event.InstanceId == instance).Select(r => r.Event.EventId).Order(), byInstance[instance].Order());
    }

    private void Report(string what, DateTime killedAt, IReadOnlySet<int> owned, Dictionary<int, DateTime> resumed)
    {
        var takeOver = owned.Select(p => resumed[p] - killedAt).DefaultIfEmpty(TimeSpan.Zero).Max();
        var outage = resumed.Values.Max() - killedAt;
        output.WriteLine($"{what}: the dead process owned [{string.Join(",", owned.Order())}]; its partitions emitted again {takeOver.TotalSeconds:F1} s after the SIGKILL, every partition {outage.TotalSeconds:F1} s after (session timeout {StreamsCluster.SessionTimeout.TotalSeconds:F0} s)");
        Assert.True(takeOver < TakeOverLimit, $"take-over took {takeOver.TotalSeconds:F1} s (limit {TakeOverLimit.TotalSeconds:F0} s)");
    }

    private static List<string> Instances(string prefix, int count) => Enumerable.Range(0, count).Select(i => $"{prefix}-{i:000}").ToList();

    private static int Count(IReadOnlyList<AlertLog.Received> records, IReadOnlyCollection<string> instances, string status)
    {
        var set = instances as IReadOnlySet<string> ?? instances.ToHashSet();
        return records.Where(r => r.Event.Status == status && set.Contains(r.Event.InstanceId)).Select(r => r.Event.InstanceId).Distinct().Count();
    }
}

/// <summary>Tests that run `gds` processes share the 2 cores: one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessTests
{
    public const string Name = "gds processes";
}
