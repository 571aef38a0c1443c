using Gds.Cli;
using Gds.Cli.Dev.Fleet;
using Gds.Contracts.Topics;

namespace Gds.EndToEnd.Tests;

/// <summary>
/// `gds dev` in-process for its full minute, alone: its scripted incidents fire on wall-clock time, and sharing the
/// test process's thread pool and cores with the other end-to-end tests (stream processes, a Prometheus, PostgreSQL
/// incidents) once made a CI run see declared alerts fire and resolve more than once in that minute.
/// </summary>
[Collection(DevRunCollection.Name)]
public class DevRunTests
{
    private static Task<(int Code, string Out, string Err)> Gds(params string[] args) => CliTests.Gds(args);

    [Fact]
    public async Task Gds_dev_runs_the_time_scaled_packs_over_the_fleet_for_its_duration_and_summarises_the_run()
    {
        var summaryFile = Path.Combine(Path.GetTempPath(), $"gds-dev-summary-{Guid.NewGuid():N}.json");
        var (code, output, err) = await Gds("dev", "--duration", "60s", "--summary", summaryFile);
        Assert.Equal(0, code);
        Assert.True(err.Length == 0, "gds dev should start and stop without a warning:\n" + err);
        Assert.Contains("durations scaled 30x faster", output);
        Assert.Contains("gds dev: dashboard at http://127.0.0.1:", output);

        // Every notification is one of the alerts the incidents declare, on its series; within the minute (less the
        // start-up) the early incidents have fired and resolved, and the sink delivered each transition once.
        var declared = new SyntheticFleet().Incidents.SelectMany(i => i.Fires).Select(a => $"[{a.RuleId} on {a.Series} → ").ToList();
        var notified = output.Split('\n').Where(l => l.StartsWith("notification ", StringComparison.Ordinal)).ToList();
        Assert.All(notified, line => Assert.Contains(declared, line.Contains));
        Assert.Contains(notified, l => l.Contains("FIRING: Deadlocks in database orders on pg-prod-01") && l.Contains("[pg-deadlocks on orders@pg-prod-01 → dba-team]"));
        Assert.Contains(notified, l => l.Contains("RESOLVED: ") && l.Contains("[pg-deadlocks on orders@pg-prod-01 "));
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(summaryFile));
        long Count(string name) => summary.RootElement.GetProperty(name).GetInt64();
        Assert.InRange(Count("alerts_firing"), 6, declared.Count);
        Assert.InRange(Count("alerts_resolved"), 4, Count("alerts_firing"));
        Assert.Equal(Count("alerts_firing") + Count("alerts_resolved"), Count("notifications_delivered"));
        Assert.Equal(Count("notifications_delivered"), notified.Count);
        Assert.Equal((0, 0), (Count("notifications_failed"), Count("dlq")));
        Assert.True(Count("metrics_published") > 40 * 1_000, $"{Count("metrics_published")} records in a minute");
        File.Delete(summaryFile);
    }

    [Fact]
    public async Task Gds_dev_in_avro_runs_the_whole_chain_through_its_own_schema_registry()
    {
        var summaryFile = Path.Combine(Path.GetTempPath(), $"gds-dev-avro-{Guid.NewGuid():N}.json");
        var (code, output, err) = await Gds("dev", "--format", "avro", "--duration", "30s", "--summary", summaryFile, "--no-ui");
        Assert.Equal(0, code);
        Assert.True(err.Length == 0, "gds dev --format avro should start and stop without a warning:\n" + err);
        var registry = output.Split('\n').Single(l => l.StartsWith("gds dev: records in Avro, schemas at http://127.0.0.1:", StringComparison.Ordinal));
        Assert.Contains("/subjects", registry);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(summaryFile));
        long Count(string name) => summary.RootElement.GetProperty(name).GetInt64();
        Assert.True(Count("alerts_firing") >= 1, "an incident fires within the half minute");
        // Every record of the chain (rules, samples, alerts) went through Avro: an undecodable one would be in the DLQ.
        Assert.Equal(Count("alerts_firing") + Count("alerts_resolved"), Count("notifications_delivered"));
        Assert.Equal((0, 0), (Count("notifications_failed"), Count("dlq")));
        Assert.True(Count("metrics_published") > 15 * 1_000, $"{Count("metrics_published")} records in half a minute");
        File.Delete(summaryFile);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DevRunCollection
{
    public const string Name = "gds dev alone";
}
