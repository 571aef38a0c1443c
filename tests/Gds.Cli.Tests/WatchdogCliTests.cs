namespace Gds.Cli.Tests;

/// <summary>The Watchdog section as `gds sink` and `gds streams` read it: a wrong value stops them at start, naming the key.</summary>
[Collection(CliCollection.Name)]
public sealed class WatchdogCliTests
{
    [Theory]
    [InlineData("sink", "--notify-url", "http://notify.internal:8080")]
    [InlineData("streams")]
    public async Task A_timeout_not_longer_than_the_interval_stops_the_verb_naming_both_keys(string verb, params string[] more)
    {
        var config = Path.Combine(Path.GetTempPath(), $"gds-watchdog-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(config, """{ "Watchdog": { "Interval": "00:01:00", "Timeout": "00:00:30" } }""");
        try
        {
            var (code, _, stderr) = await CliRunner.RunAsync([verb, "--bootstrap", "127.0.0.1:1", "--config", config, .. more]);
            Assert.Equal(2, code);
            Assert.Contains("Watchdog:Timeout (00:00:30) must be longer than Watchdog:Interval (00:01:00)", stderr);
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public async Task Sink_and_dev_take_no_watchdog_and_streams_does_not()
    {
        Assert.Null(await Infrastructure.CommandLineCheck.ProblemAsync(["sink", "--bootstrap", "kafka:9092", "--notify-url", "http://notify:8080", "--no-watchdog"]));
        Assert.Null(await Infrastructure.CommandLineCheck.ProblemAsync(["dev", "--no-watchdog"]));
        // The topology has no such flag: its heartbeats follow Watchdog:Enabled, the key the sink reads too, so that one
        // flag cannot switch the heartbeats off under a sink that still waits for them.
        Assert.NotNull(await Infrastructure.CommandLineCheck.ProblemAsync(["streams", "--bootstrap", "kafka:9092", "--no-watchdog"]));
    }
}
