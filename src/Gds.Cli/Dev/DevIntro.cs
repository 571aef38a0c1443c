using System.Globalization;
using Gds.Alerting.Rules;
using Gds.Cli.Dev.Fleet;

namespace Gds.Cli.Dev;

/// <summary>What `gds dev` says before it starts: which rules run and how fast, what the fleet is, and what will happen.</summary>
public static class DevIntro
{
    /// <param name="packs">The packs' folder when the shipped packs run; null when --rules replaced them.</param>
    public static IReadOnlyList<string> Lines(RuleSet rules, string? packs, double timeScale, SyntheticFleet fleet)
    {
        var files = string.Join(", ", rules.Files.Select(f => packs is null ? f.Path : Path.GetFileName(f.Path)));
        var lines = new List<string>
        {
            $"rules: {rules.Rules.Count} from {(packs is null ? files : $"{Path.GetRelativePath(".", packs)} ({files})")}",
            timeScale == 1
                ? "       durations as written (--time-scale 1): the scripted incidents are too short to fire most of them"
                : $"       durations scaled {Number(timeScale)}x faster: a 5m `for` waits {Scaled(TimeSpan.FromMinutes(5), timeScale)}, none less than {Number(DevRules.Floor.TotalSeconds)}s (--time-scale 1 for real durations)",
            $"fleet: {string.Join(", ", fleet.Targets.GroupBy(t => t.Type).Select(g => $"{g.Count()} {Name(g.Key)}"))}, scraped every {Number(DevRules.FleetInterval.TotalSeconds)}s as collector {SyntheticFleet.CollectorId}",
        };
        if (fleet.Incidents.Count > 0) lines.Add($"incidents, every {Number(SyntheticFleet.Cycle.TotalSeconds)}s:");
        foreach (var i in fleet.Incidents)
            lines.Add($"  {"+" + Number(i.Start.TotalSeconds) + "s",-5} {i.Title} → {string.Join(", ", i.Fires)}");
        return lines;
    }

    private static string Scaled(TimeSpan d, double factor)
    {
        var seconds = Math.Max(DevRules.Floor.TotalSeconds, Math.Round(d.TotalSeconds / factor, 3));
        return Number(seconds) + "s";
    }

    private static string Number(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Name(string databaseType) => databaseType switch
    {
        DatabaseTypes.PostgreSql => "PostgreSQL",
        DatabaseTypes.MongoDb => "MongoDB",
        DatabaseTypes.SqlServer => "SQL Server",
        DatabaseTypes.Snowflake => "Snowflake",
        _ => databaseType,
    };
}
