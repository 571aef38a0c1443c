namespace Gds.Cli.Dev.Fleet.Incidents;

/// <summary>
/// A scripted episode of trouble on one server, replayed every <see cref="SyntheticFleet.Cycle"/> from
/// <see cref="Start"/> to <see cref="End"/>, and the alerts the shipped rule packs (time-scaled as `gds dev` runs
/// them) must raise for it: each on its series, once per cycle, resolved before the cycle ends — and nothing else.
/// </summary>
public sealed class ScriptedIncident
{
    private readonly Action<SimulatedServer, IncidentPhase> _apply;

    private ScriptedIncident(string title, string instanceId, TimeSpan start, TimeSpan end, IReadOnlyList<ExpectedAlert> fires, Action<SimulatedServer, IncidentPhase> apply)
    {
        if (end <= start || end > SyntheticFleet.Cycle) throw new ArgumentException($"incident '{title}': it must end after it starts and within the cycle");
        Title = title;
        InstanceId = instanceId;
        Start = start;
        End = end;
        Fires = fires;
        _apply = apply;
    }

    /// <summary>What happens, in a line an on-call would write in the incident log.</summary>
    public string Title { get; }

    public string InstanceId { get; }

    /// <summary>Offsets within the cycle.</summary>
    public TimeSpan Start { get; }
    public TimeSpan End { get; }

    public IReadOnlyList<ExpectedAlert> Fires { get; }

    internal static ScriptedIncident On<TServer>(string title, string instanceId, TimeSpan start, TimeSpan end, IReadOnlyList<ExpectedAlert> fires,
        Action<TServer, IncidentPhase> apply) where TServer : SimulatedServer =>
        new(title, instanceId, start, end, fires, (server, phase) => apply((TServer)server, phase));

    /// <summary>Sets this tick's trouble on the server, when the incident is under way.</summary>
    internal void Apply(SimulatedServer server, FleetMoment now)
    {
        if (now.InCycle < Start || now.InCycle >= End) return;
        var elapsed = now.InCycle - Start;
        _apply(server, new IncidentPhase(now.At - elapsed, elapsed, End - Start));
    }

    public override string ToString() => $"+{Start.TotalSeconds:0}s {Title} ({InstanceId})";
}
