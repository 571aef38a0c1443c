using System.Collections.Concurrent;
using System.Diagnostics;

namespace Gds.Topology.Clients;

/// <summary>
/// When each stream thread last asked Kafka for records: its main consumer's polls, or its restore consumer's while it
/// restores stores. A stream thread that does neither for long is stuck (Streamiz 1.8.2 can be left sleeping forever
/// by a failed commit inside a rebalance callback, see docs/topology.md), and the supervisor restarts the stream.
/// </summary>
public sealed class ThreadLiveness
{
    private readonly ConcurrentDictionary<string, Probe> _threads = new(StringComparer.Ordinal);

    /// <summary>The probe of one stream thread; its main and restore consumers share it.</summary>
    public Probe For(string thread) => _threads.GetOrAdd(thread, _ => new Probe());

    /// <summary>Threads that have not polled for <paramref name="limit"/> and are not inside a poll right now.</summary>
    public IReadOnlyList<(string Thread, TimeSpan Silent)> Stalled(TimeSpan limit)
    {
        var now = Stopwatch.GetTimestamp();
        var stalled = new List<(string, TimeSpan)>();
        foreach (var (name, probe) in _threads)
        {
            if (probe.Retired || probe.InPoll) continue;
            var silent = Stopwatch.GetElapsedTime(probe.LastPoll, now);
            if (silent > limit) stalled.Add((name, silent));
        }
        return stalled;
    }

    /// <summary>The client id Streamiz gives a stream thread's consumers, less the consumer's own suffix.</summary>
    public static string ThreadOf(string? clientId)
    {
        if (string.IsNullOrEmpty(clientId)) return "?";
        var cut = clientId.IndexOf("-streamiz-", StringComparison.Ordinal);
        return cut > 0 ? clientId[..cut] : clientId;
    }

    public sealed class Probe
    {
        private long _lastPoll = Stopwatch.GetTimestamp();
        private int _inPoll;
        private int _retired;

        public long LastPoll => Interlocked.Read(ref _lastPoll);
        public bool InPoll => Volatile.Read(ref _inPoll) > 0;
        /// <summary>The thread's consumer is closed: a thread that has stopped is not stuck.</summary>
        public bool Retired => Volatile.Read(ref _retired) != 0;

        public void Entering()
        {
            Interlocked.Increment(ref _inPoll);
            Interlocked.Exchange(ref _lastPoll, Stopwatch.GetTimestamp());
        }

        public void Left()
        {
            Interlocked.Exchange(ref _lastPoll, Stopwatch.GetTimestamp());
            Interlocked.Decrement(ref _inPoll);
        }

        public void Retire() => Volatile.Write(ref _retired, 1);
    }
}
