namespace Gds.Notify.Delivery;

/// <summary>Counts work under way (deliveries, DLQ writes) so shutdown can wait for it to reach zero.</summary>
public sealed class WorkCounter
{
    private readonly object _gate = new();
    private int _count;
    private TaskCompletionSource? _idle;

    public int Count { get { lock (_gate) return _count; } }

    public void Enter() { lock (_gate) _count++; }

    public void Exit()
    {
        TaskCompletionSource? done = null;
        lock (_gate)
        {
            if (--_count == 0 && _idle is not null) { done = _idle; _idle = null; }
        }
        done?.TrySetResult();
    }

    public Task WhenIdle()
    {
        lock (_gate)
        {
            if (_count == 0) return Task.CompletedTask;
            return (_idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }
}
