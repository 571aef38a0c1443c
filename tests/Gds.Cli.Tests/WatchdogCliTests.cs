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
    public async Task Sink_and_dev_document_how_to_switch_the_watchdog_off()
    {
        foreach (var verb in new[] { "sink", "dev" })
        {
            var (code, stdout, _) = await CliRunner.RunAsync(verb, "--help");
            Assert.Equal(0, code);
            Assert.Contains("--no-watchdog", stdout);
        }
    }
}
