using System.Diagnostics;
using Streamiz.Kafka.Net.Errors;

namespace Gds.Topology.Hosting;

/// <summary>
/// Runs the KafkaStream and replaces it when it cannot go on by itself: it reached ERROR, stopped on its own, or one
/// of its stream threads has not polled Kafka for the stall timeout. The last is how Streamiz 1.8.2 fails a
/// failover on librdkafka's embedded broker (a commit refused inside a rebalance callback leaves the thread asleep
/// for good; see docs/topology.md). The clients guard against that cause; this is the net under any other.
/// A restart disposes the old stream (its consumers leave the group, its stores are closed and checkpointed),
/// checks the local state again and starts a new stream on the same state directory, after a back-off that grows
/// with consecutive restarts. If the old stream cannot be closed, or restarts follow one another without the
/// stream settling, the supervisor gives up: <see cref="Failed"/> completes and the process should exit, so that
/// whatever runs it starts it afresh.
/// <para>An outage of what the stream reads through (the schema registry: a stream thread cannot decode the Avro
/// rules or samples, or encode an alert, without it) is not the stream failing, and starting the process afresh
/// would not end it: while it lasts the supervisor waits, probing every second, and starts the stream once it is
/// over, without counting the failures it caused. Counted, a registry down for ten seconds when `gds streams`
/// started made it give up and exit (RegistryOutageTests).</para>
/// </summary>
public sealed class StreamSupervisor : IAsyncDisposable
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DisposeLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    /// <summary>A stream that ran this long since its last restart resets the back-off.</summary>
    private static readonly TimeSpan SteadyAfter = TimeSpan.FromMinutes(5);
    /// <summary>Past this many restarts in a row the process is better started afresh by whatever runs it.</summary>
    public const int MaxConsecutiveRestarts = 6;

    private readonly Func<int, StreamIncarnation> _create;
    private readonly Func<CancellationToken, Task<string?>>? _unanswered;
    private readonly TimeSpan _stallTimeout;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private StreamIncarnation? _current;
    private Task? _watch;
    private int _restarts;
    private int _consecutive;
    private long _startedAt;
    private string? _replacement;
    private int _disposed;

    /// <param name="create">a new stream (not started), numbered; called again for each restart</param>
    /// <param name="unanswered">why what the stream reads through does not answer now (null when it does), or null
    /// when it needs nothing but Kafka</param>
    public StreamSupervisor(Func<int, StreamIncarnation> create, TimeSpan stallTimeout, ILogger log,
        Func<CancellationToken, Task<string?>>? unanswered = null)
    {
        _create = create;
        _unanswered = unanswered;
        _stallTimeout = stallTimeout;
        _log = log;
    }

    /// <summary>The state of the current stream, when it changes (a replaced stream's last words are not passed on).</summary>
    public event Action<KafkaStream.State>? StateChanged;

    public KafkaStream.State State => _current?.State ?? KafkaStream.State.NOT_RUNNING;
    public int Restarts => Volatile.Read(ref _restarts);
    /// <summary>Completes (faulted) when the supervisor could not replace a stream and gave up.</summary>
    public Task Failed => _failed.Task;

    /// <summary>
    /// Replaces the stream at the next check although it is fine, e.g. to read a new topic (the create function
    /// builds the new topology). Not a failure: no back-off, and not counted in <see cref="Restarts"/>.
    /// </summary>
    public void Replace(string reason) => Volatile.Write(ref _replacement, reason);

    public async Task StartAsync(CancellationToken ct)
    {
        await StartNewAsync(1, ct);
        _watch = Task.Run(WatchAsync);
    }

    private async Task StartNewAsync(int number, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await WaitWhileUnansweredAsync(ct);
            var incarnation = await Task.Run(() => _create(number), ct);
            incarnation.Stream.StateChanged += (_, now) =>
            {
                incarnation.State = now;
                if (ReferenceEquals(incarnation, _current)) StateChanged?.Invoke(now);
            };
            _current = incarnation;
            _startedAt = Stopwatch.GetTimestamp();
            try
            {
                // Not given the caller's token: Streamiz would dispose the stream from the token's callback while we
                // dispose it too, and the two disposals race (ObjectDisposedException on its CancellationTokenSource).
                await incarnation.Stream.StartAsync();
                return;
            }
            catch (Exception ex) when (ex is StreamsException or KafkaException && !ct.IsCancellationRequested)
            {
                _current = null;
                await DisposeStreamAsync(incarnation);
                if (await UnansweredAsync(ct) is not null)
                {
                    // The global thread could not read the rules through the registry: wait for it (at the top of
                    // the loop), and do not count this start.
                    attempt--;
                    continue;
                }
                if (attempt >= 3) throw;
                // librdkafka can refuse the global thread's first seek while a partition is still being set up
                // ("Erroneous state"): a transient start-up race, so start afresh rather than fail the process.
                _log.LogWarning("starting the stream failed ({Error}); attempt {Attempt} of 3, retrying", ex.Message, attempt + 1);
                await Task.Delay(TimeSpan.FromSeconds(attempt), ct);
            }
        }
    }

    private async Task WatchAsync()
    {
        var ct = _stop.Token;
        try
        {
            using var timer = new PeriodicTimer(CheckEvery);
            while (await timer.WaitForNextTickAsync(ct))
            {
                // Only the reason is kept across the restart: the old stream must become unreachable (see below).
                if (Why() is { } reason)
                {
                    if (!await RestartAsync(reason, planned: false, ct)) return;
                }
                else if (_current is not null && Interlocked.Exchange(ref _replacement, null) is { } replacement)
                {
                    if (!await RestartAsync(replacement, planned: true, ct)) return;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _log.LogCritical(ex, "the stream supervisor failed");
            _failed.TrySetException(ex);
        }
    }

    /// <summary>Why the stream must be replaced, or null while it is fine.</summary>
    private string? Why()
    {
        if (_current is not { } current) return null;
        var state = current.State;
        if (state == KafkaStream.State.ERROR) return "the stream reached ERROR";
        if (state == KafkaStream.State.NOT_RUNNING || state == KafkaStream.State.PENDING_SHUTDOWN) return $"the stream stopped by itself ({state})";
        if (state != KafkaStream.State.RUNNING && state != KafkaStream.State.REBALANCING) return null;
        var stalled = current.Liveness.Stalled(_stallTimeout);
        return stalled.Count == 0 ? null
            : string.Join("; ", stalled.Select(s => $"stream thread {s.Thread} has not polled Kafka for {s.Silent.TotalSeconds:F0} s"));
    }

    /// <returns>false when the supervisor gave up</returns>
    private async Task<bool> RestartAsync(string reason, bool planned, CancellationToken ct)
    {
        var old = _current!;
        var number = old.Number;
        if (planned)
            _log.LogInformation("replacing the stream: {Reason}", reason);
        else
        {
            var restarts = Interlocked.Increment(ref _restarts);
            if (Stopwatch.GetElapsedTime(_startedAt) > SteadyAfter) _consecutive = 0;
            _log.LogWarning("restarting the stream (restart {Restarts}): {Reason}", restarts, reason);
        }
        _current = null;
        StateChanged?.Invoke(KafkaStream.State.REBALANCING);
        var closed = await DisposeStreamAsync(old);
        old = null;
        if (!closed) return GiveUp($"the stream could not be closed within {DisposeLimit.TotalSeconds:F0} s to be restarted ({reason})");
        while (true)
        {
            // A failure during an outage was the outage's: once it is over, start at once and count nothing.
            var outage = await WaitWhileUnansweredAsync(ct);
            if (!outage && _consecutive >= MaxConsecutiveRestarts) return GiveUp($"the stream failed {_consecutive} times in a row ({reason})");
            // A replacement asked for starts at once; only if that start fails does it back off as a failure does.
            var backoff = planned || outage ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, _consecutive++)));
            planned = false;
            // A stuck Streamiz thread can leave tasks it was revoking neither closed nor referenced: their RocksDB
            // handles keep the stores' file locks until finalized, and the new stream could not open those stores.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            await Task.Delay(backoff, ct);
            try
            {
                await StartNewAsync(++number, ct);
                return true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _log.LogError(ex, "starting the stream again failed");
                if (_current is { } failed)
                {
                    _current = null;
                    await DisposeStreamAsync(failed);
                }
            }
        }
    }

    private Task<string?> UnansweredAsync(CancellationToken ct) => _unanswered?.Invoke(ct) ?? Task.FromResult<string?>(null);

    /// <returns>whether there was an outage to wait through</returns>
    private async Task<bool> WaitWhileUnansweredAsync(CancellationToken ct)
    {
        if (await UnansweredAsync(ct) is not { } why) return false;
        _log.LogWarning("the stream waits: {Why}; trying again every second", why);
        StateChanged?.Invoke(KafkaStream.State.REBALANCING);
        var since = Stopwatch.GetTimestamp();
        do await Task.Delay(Gds.Kafka.Wire.RegistryOutage.RetryEvery, ct);
        while (await UnansweredAsync(ct) is not null);
        _log.LogInformation("the stream goes on after {Seconds:F0} s: what it waited for answers again", Stopwatch.GetElapsedTime(since).TotalSeconds);
        return true;
    }

    private bool GiveUp(string why)
    {
        _log.LogCritical("giving up: {Why}; the process should be started afresh", why);
        _failed.TrySetException(new InvalidOperationException(why));
        return false;
    }

    /// <returns>false when the stream did not close in time</returns>
    private async Task<bool> DisposeStreamAsync(StreamIncarnation incarnation)
    {
        var dispose = Task.Run(incarnation.Stream.Dispose);
        try
        {
            await dispose.WaitAsync(DisposeLimit);
            return true;
        }
        catch (TimeoutException)
        {
            _log.LogError("the stream did not close within {Seconds} s", DisposeLimit.TotalSeconds);
            return false;
        }
        catch (Exception ex)
        {
            // Streamiz logs and swallows most of what goes wrong while closing; anything else is not worth a restart.
            _log.LogWarning("closing the stream: {Error}", ex.Message);
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stop.CancelAsync();
        if (_watch is not null)
            try { await _watch; } catch (OperationCanceledException) { }
        if (_current is { } current)
        {
            _current = null;
            await DisposeStreamAsync(current);
        }
        _stop.Dispose();
    }
}
