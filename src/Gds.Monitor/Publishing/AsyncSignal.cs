namespace Gds.Monitor.Publishing;

/// <summary>
/// A wake-up for one waiting loop. Take <see cref="Next"/> before checking the condition, await it after: a
/// <see cref="Set"/> in between completes the taken task, so no wake-up is lost.
/// </summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource _tcs = New();

    public Task Next => Volatile.Read(ref _tcs).Task;

    public void Set() => Interlocked.Exchange(ref _tcs, New()).TrySetResult();

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
