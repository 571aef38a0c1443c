using Gds.Alerting.Fleet;

namespace Gds.Alerting.Inhibition;

/// <summary>
/// One stream task's view of inhibition: the sources are the firing alerts of the whole fleet
/// (<see cref="FleetFiring"/>, shared by the process), and this remembers which of the task's own alerts each source
/// holds back, so that when a source of this task resolves, the targets it alone held back are notified at once. A
/// target on another task is released by that task's next tick, which re-evaluates every firing episode.
/// Not thread-safe: one per task, like the task's state. The target memory is derived state, rebuilt from the
/// task's hygiene store (<see cref="Rebuild"/>) after a restart.
/// </summary>
public sealed class Inhibitor(FleetFiring fleet)
{
    private readonly Dictionary<string, HashSet<string>> _targetsBySource = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<string>> _sourcesByTarget = new(StringComparer.Ordinal);

    /// <summary>False until <see cref="Rebuild"/> ran for this task.</summary>
    public bool IsCurrent { get; private set; }

    /// <summary>Re-learns from the task's firing alerts (and what each was last inhibited by).</summary>
    public void Rebuild(IEnumerable<(string DedupKey, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string>? InhibitedBy)> firing)
    {
        _targetsBySource.Clear();
        _sourcesByTarget.Clear();
        IsCurrent = true;
        var list = firing.ToList();
        foreach (var (key, labels, _) in list) fleet.Firing(key, labels);
        foreach (var (key, _, by) in list)
            if (by is { Count: > 0 }) Track(key, by);
    }

    /// <summary>A firing alert of this task (a new episode or a repeat): known to the fleet at once.</summary>
    public void OnFiring(string dedupKey, IReadOnlyDictionary<string, string> labels) => fleet.Firing(dedupKey, labels);

    /// <summary>
    /// An alert of this task resolved: it stops inhibiting, and stops being a target. Returns this task's targets it
    /// was inhibiting, in order; the caller re-evaluates them (<see cref="InhibitorsOf"/>) and notifies those no
    /// longer inhibited.
    /// </summary>
    public IReadOnlyList<string> OnResolved(string dedupKey)
    {
        fleet.Resolved(dedupKey);
        Track(dedupKey, []);
        if (!_targetsBySource.Remove(dedupKey, out var targets)) return [];
        return targets.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The sources firing anywhere in the fleet that inhibit this alert now, as sorted dedup keys (its
    /// inhibited_by); empty when none. An alert never inhibits itself. The answer is remembered for
    /// <see cref="OnResolved"/>.
    /// </summary>
    public IReadOnlyList<string> InhibitorsOf(string dedupKey, IReadOnlyDictionary<string, string> labels)
    {
        var result = fleet.InhibitorsOf(dedupKey, labels);
        Track(dedupKey, result);
        return result;
    }

    private void Track(string target, IReadOnlyList<string> sources)
    {
        if (_sourcesByTarget.Remove(target, out var old))
            foreach (var s in old)
                if (_targetsBySource.TryGetValue(s, out var t)) t.Remove(target);
        if (sources.Count == 0) return;
        _sourcesByTarget[target] = sources;
        foreach (var s in sources)
        {
            if (!_targetsBySource.TryGetValue(s, out var t)) _targetsBySource[s] = t = new HashSet<string>(StringComparer.Ordinal);
            t.Add(target);
        }
    }
}
