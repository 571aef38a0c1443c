using Gds.Alerting.Rules;
using Gds.Contracts.Rules;

namespace Gds.Cli.Dev;

/// <summary>
/// The rules `gds dev` runs: every pack of examples/rules (or the --rules files), with each duration that decides when
/// an alert fires or resolves divided by --time-scale, so conditions the packs wait minutes for show within a minute.
/// Thresholds, selectors and texts stay the packs' own.
/// </summary>
public static class DevRules
{
    /// <summary>30 times faster: a 5m `for` waits 10 s, and the fleet's incidents fire within the first minute.</summary>
    public const double DefaultTimeScale = 30;

    /// <summary>How often the fleet is scraped.</summary>
    public static readonly TimeSpan FleetInterval = TimeSpan.FromSeconds(1);

    /// <summary>No scaled duration below five fleet intervals: a condition must hold over several scrapes, so one odd sample never fires.</summary>
    public static readonly TimeSpan Floor = FleetInterval * 5;

    /// <summary>examples/rules of the working directory (a checkout), else the copy next to the executable.</summary>
    public static string PacksPath()
    {
        var local = Path.Combine("examples", "rules");
        return Directory.Exists(local) ? local : Path.Combine(AppContext.BaseDirectory, "examples", "rules");
    }

    public static IReadOnlyList<Rule> Scale(IEnumerable<Rule> rules, double timeScale) =>
        rules.Select(r => RuleTimeScale.Apply(r, timeScale, Floor)).ToList();
}
