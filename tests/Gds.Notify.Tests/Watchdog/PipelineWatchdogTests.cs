using Gds.Contracts.Watchdog;
using Gds.Kafka.Admin;
using Gds.Kafka.Embedded;
using Gds.Notify.Watchdog;

namespace Gds.Notify.Tests.Watchdog;

/// <summary>
/// The watchdog of real sinks on the embedded broker, fed heartbeats as the topology writes them: two sinks of one
/// group page once between them, and a sink restarted during an outage neither pages it again nor forgets its all-clear.
/// </summary>
public sealed class PipelineWatchdogTests
{
    private static readonly WatchdogOptions Watchdog = new() { Interval = TimeSpan.FromMilliseconds(200), Timeout = TimeSpan.FromSeconds(2) };

    [Fact]
    public async Task Two_sinks_in_one_group_send_one_page_when_heartbeats_stop_and_one_all_clear_when_they_return()
    {
        await using var h = await StartAsync();
        await using var a = h.StartSink(h.Options(o => o.Watchdog = Watchdog));
        await using var b = h.StartSink(h.Options(o => o.Watchdog = Watchdog));
        using (var beats = Heartbeats(h))
        {
            await h.WaitFor(() => h.Logs.Lines.Any(l => l.Contains("this sink instance watches the topology")), "one sink to take the watchdog");
            await Eventually.Stays(() => WatchdogRequests(h).Count == 0, "no page while heartbeats come", Watchdog.Timeout * 2);
        }

        await h.WaitFor(() => WatchdogRequests(h).Count >= 1, "the page", TimeSpan.FromSeconds(20));
        var page = Assert.Single(WatchdogRequests(h));
        Assert.StartsWith("GdsStreams topology stopped: no heartbeat since", page.Subject);
        Assert.Equal("CRITICAL", page.Json.GetProperty("severity").GetString());

        using (Heartbeats(h))
        {
            await h.WaitFor(() => WatchdogRequests(h).Count >= 2, "the all-clear", TimeSpan.FromSeconds(20));
            await Eventually.Stays(() => WatchdogRequests(h).Count == 2, "nothing after the all-clear", Watchdog.Timeout + TimeSpan.FromSeconds(1));
        }
        var clear = WatchdogRequests(h)[1];
        Assert.Equal(page.MessageId + "-resolved", clear.MessageId);
    }

    [Fact]
    public async Task A_sink_restarted_during_an_outage_does_not_page_it_again_and_sends_its_all_clear()
    {
        await using var h = await StartAsync();
        var first = h.StartSink(h.Options(o => o.Watchdog = Watchdog));
        using (Heartbeats(h)) await h.WaitFor(() => h.Logs.Lines.Any(l => l.Contains("this sink instance watches the topology")), "the sink to take the watchdog");
        await h.WaitFor(() => h.Logs.Lines.Any(l => l.Contains("Watchdog") && l.Contains("delivered")), "the page to be delivered", TimeSpan.FromSeconds(20));
        await first.DisposeAsync();

        await using var restarted = h.StartSink(h.Options(o => o.Watchdog = Watchdog));
        await h.WaitFor(() => h.Logs.Lines.Count(l => l.Contains("this sink instance watches the topology")) == 2, "the restarted sink to take the watchdog");
        Assert.Contains(h.Logs.Lines, l => l.Contains("last notified: down"));
        await Eventually.Stays(() => WatchdogRequests(h).Count == 1, "no second page", Watchdog.Timeout * 2);

        using (Heartbeats(h)) await h.WaitFor(() => WatchdogRequests(h).Count >= 2, "the all-clear", TimeSpan.FromSeconds(20));
        Assert.EndsWith("-resolved", WatchdogRequests(h)[1].MessageId);
    }

    private static async Task<SinkHarness> StartAsync()
    {
        var h = await SinkHarness.StartAsync(partitions: 2);
        await new EmbeddedTopicCreator(h.Broker).EnsureAsync([new TopicSpec(TopicNames.Watchdog, 1, Compacted: true)]);
        return h;
    }

    private static List<SinkHarness.Received> WatchdogRequests(SinkHarness h) =>
        h.Requests().Where(r => r.Json.GetProperty("alert_name").GetString() == WatchdogMessages.AlertName).ToList();

    /// <summary>Writes heartbeats of two tasks, as a running topology does, until disposed.</summary>
    private static IDisposable Heartbeats(SinkHarness h)
    {
        var stop = new CancellationTokenSource();
        var producer = h.Kafka.CreateByteProducer("test-topology");
        var run = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var task in new[] { "3-0", "3-1" })
                    producer.Produce(TopicNames.Watchdog, new Message<byte[], byte[]>
                    {
                        Key = Encoding.UTF8.GetBytes(TopologyHeartbeat.KeyFor("gds-streams", task)),
                        Value = GdsJson.Serialize(new TopologyHeartbeat { ApplicationId = "gds-streams", TaskId = task, At = DateTimeOffset.UtcNow }),
                    });
                producer.Flush(TimeSpan.FromSeconds(5));
                try { await Task.Delay(Watchdog.Interval, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        return new Stopper(() => { stop.Cancel(); run.Wait(); producer.Dispose(); stop.Dispose(); });
    }

    private sealed class Stopper(Action stop) : IDisposable
    {
        public void Dispose() => stop();
    }
}
