using WireMock.Server;
using Xunit.Abstractions;

namespace Gds.EndToEnd.Tests.Processes;

/// <summary>
/// The dead man's switch as users run it: `gds streams` and `gds sink` as separate processes on one broker. The
/// topology is SIGKILLed under the running sink: exactly one CRITICAL page reaches gds_notification; it is started
/// again: exactly one all-clear; nothing else.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class WatchdogTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Killing_the_topology_under_a_running_sink_pages_once_and_its_restart_sends_one_all_clear()
    {
        var root = Directory.CreateTempSubdirectory("gds-watchdog-").FullName;
        var config = Path.Combine(root, "gds.json");
        await File.WriteAllTextAsync(config, $$"""{ "Watchdog": { "Interval": "{{Interval:c}}", "Timeout": "{{Timeout:c}}" } }""");
        using var broker = EmbeddedBroker.Start();
        await new EmbeddedTopicCreator(broker).EnsureAsync(DevTopics.All(2));
        using var receiver = WireMockServer.Start();
        receiver.Given(Request.Create().WithPath("/ingest").UsingPost()).RespondWith(Response.Create().WithStatusCode(202));
        string[] Streams() => ["streams", "--bootstrap", broker.BootstrapServers, "--state-dir", Path.Combine(root, "state"), "--session-timeout", "6s", "--config", config];

        var streams = GdsProcess.Start("streams", Streams());
        // The sink starts once the topology runs: a sink that starts first rightly pages when the topology's first
        // heartbeat takes longer than the timeout (a loaded machine took 5 s from start to RUNNING).
        await streams.WaitForLineAsync("running:", Long);
        using var sink = GdsProcess.Start("sink", "sink", "--bootstrap", broker.BootstrapServers, "--notify-url", receiver.Url!, "--stats-every", "0", "--config", config);
        GdsProcess? again = null;
        string Diagnostics() => string.Join("\n", new[] { streams, sink, again }.Where(p => p is not null).Select(p => p!.Tail(30)));
        try
        {
            await sink.WaitForLineAsync("this sink instance watches the topology", Long);
            // Two timeouts of a healthy topology: heartbeats arrive, nobody is paged.
            await Stays(() => Pages(receiver).Count == 0, Timeout * 2, "no page while the topology runs", Diagnostics);

            var killedAt = DateTime.UtcNow;
            streams.Kill();
            await Until(() => Pages(receiver).Count >= 1, Long, "the watchdog's page", Diagnostics);
            var page = Pages(receiver)[0];
            var decided = sink.Lines.FirstOrDefault(l => l.Line.Contains("sending page")).At;
            output.WriteLine($"SIGKILL → page: {(page.At - killedAt).TotalSeconds:F1} s, of which the sink decided after {(decided - killedAt).TotalSeconds:F1} s (interval {Interval.TotalSeconds} s, timeout {Timeout.TotalSeconds} s)");
            Assert.Equal("CRITICAL", page.Severity);
            Assert.StartsWith("GdsStreams topology stopped: no heartbeat since ", page.Subject);
            Assert.Contains("What to check", page.Body);

            var restartedAt = DateTime.UtcNow;
            again = GdsProcess.Start("streams-again", Streams());
            await Until(() => Pages(receiver).Count >= 2, Long, "the all-clear", Diagnostics);
            var clear = Pages(receiver)[1];
            var running = again.Lines.FirstOrDefault(l => l.Line.Contains("running:")).At;
            output.WriteLine($"restart → all-clear: {(clear.At - restartedAt).TotalSeconds:F1} s" +
                             (running == default ? "" : $" ({(clear.At - running).TotalSeconds:F1} s after it said it runs)"));
            Assert.Equal(page.MessageId + "-resolved", clear.MessageId);
            Assert.StartsWith("Resolved: GdsStreams topology is running again", clear.Subject);

            await Stays(() => Pages(receiver).Count == 2, Timeout + TimeSpan.FromSeconds(2), "nothing after the all-clear", Diagnostics);
            Assert.Equal(2, receiver.LogEntries.Count()); // and nothing but the watchdog's two notifications
        }
        finally
        {
            streams.Dispose();
            again?.Dispose();
            try { Directory.Delete(root, true); } catch (IOException) { }
        }
    }

    private sealed record Posted(DateTime At, string MessageId, string Subject, string Body, string Severity);

    private static List<Posted> Pages(WireMockServer receiver) =>
        receiver.LogEntries.Select(e => (e.RequestMessage.DateTime, Json: JsonDocument.Parse(e.RequestMessage.Body!).RootElement))
            .Where(e => e.Json.GetProperty("alert_name").GetString() == "gds-watchdog")
            .OrderBy(e => e.DateTime)
            .Select(e => new Posted(e.DateTime.ToUniversalTime(), e.Json.GetProperty("message_id").GetString()!, e.Json.GetProperty("subject").GetString()!,
                e.Json.GetProperty("body_text").GetString()!, e.Json.GetProperty("severity").GetString()!))
            .ToList();

    private static async Task Until(Func<bool> condition, TimeSpan timeout, string what, Func<string> diagnostics)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out after {timeout} waiting for {what}\n{diagnostics()}");
            await Task.Delay(100);
        }
    }

    /// <summary>The one claim that needs a duration: something does not happen for that long.</summary>
    private static async Task Stays(Func<bool> condition, TimeSpan during, string what, Func<string> diagnostics)
    {
        var end = DateTime.UtcNow + during;
        while (DateTime.UtcNow < end)
        {
            if (!condition()) throw new Xunit.Sdk.XunitException($"no longer true: {what}\n{diagnostics()}");
            await Task.Delay(100);
        }
    }
}
