namespace Gds.Notify.Delivery;

/// <summary>
/// Runs work for the same key one after another, in the order it was enqueued, and work for different keys
/// concurrently. Keyed by rule + instance so that an alert's "resolved" never overtakes its "firing".
/// </summary>
public sealed class KeyedSequencer
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Task> _tails = new(StringComparer.Ordinal);
    private readonly Action<Exception> _onError;

    public KeyedSequencer(Action<Exception> onError) => _onError = onError;

    public int ActiveKeys { get { lock (_gate) return _tails.Count; } }

    /// <summary>Queues <paramref name="work"/> behind earlier work of the same key; returns when it has run.</summary>
    public Task Enqueue(string key, Func<Task> work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task previous;
        lock (_gate)
        {
            previous = _tails.TryGetValue(key, out var tail) ? tail : Task.CompletedTask;
            _tails[key] = done.Task;
        }
        _ = RunAsync(key, previous, work, done);
        return done.Task;
    }

    private async Task RunAsync(string key, Task previous, Func<Task> work, TaskCompletionSource done)
    {
        try
        {
            await previous.ConfigureAwait(false);
            // Off the caller's thread: the caller is the consumer loop, which must keep polling.
            await Task.Yield();
            await work().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _onError(ex);
        }
        finally
        {
            lock (_gate)
                if (_tails.TryGetValue(key, out var tail) && tail == done.Task) _tails.Remove(key);
            done.SetResult();
        }
    }
}
