using System.Collections.Concurrent;

namespace Gds.Topology.Runtime;

/// <summary>
/// Which state-store partitions are being restored from their changelogs right now, from Streamiz's restore
/// events. Streamiz restores a large changelog over several turns of its loop and runs wall-clock punctuations
/// in between, on tasks whose stores are still half restored; a punctuation that acted then would judge (and
/// write over) state that the restoration is about to bring back. Each stage asks this before it lets time act.
/// </summary>
public sealed class RestorationTracker
{
    private readonly ConcurrentDictionary<(string Store, int Partition), byte> _restoring = new();

    public void Started(string store, int partition) => _restoring[(store, partition)] = 0;

    public void Ended(string store, int partition) => _restoring.TryRemove((store, partition), out _);

    /// <summary>A task that starts afresh forgets a restoration its predecessor never finished (it was revoked).</summary>
    public void Forget(string store, int partition) => Ended(store, partition);

    public bool AnyRestoring => !_restoring.IsEmpty;

    public bool IsRestoring(string store, int partition) => !_restoring.IsEmpty && _restoring.ContainsKey((store, partition));
}
