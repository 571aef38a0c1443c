using Gds.Contracts.Notifications;
using Gds.Notify.DeadLetter;
using Gds.Notify.Grouping;
using Gds.Notify.Payload;
using Gds.Notify.RateLimiting;

namespace Gds.Notify.Delivery;

/// <summary>
/// Takes each accepted record through the stages of the sink: ordering per rule + instance, the rate limit, the
/// optional grouping of its route, then delivery inside its route's bulkhead; and finishes it (so its offset can be
/// committed) only once it is delivered or dead-lettered.
/// </summary>
internal sealed class NotificationDispatcher : IDisposable
{
    private readonly RouteLanes _lanes;
    private readonly ServiceDelivery _delivery;
    private readonly DeadLetterWriter _deadLetters;
    private readonly SinkStats _stats;
    private readonly ILogger _log;
    private readonly Action<Exception> _onFatal;
    private readonly KeyedSequencer _sequencer;
    private readonly StormLimiter _limiter;
    private readonly RouteGrouper _grouper;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationToken _deliveries;

    public WorkCounter Work { get; } = new();

    /// <param name="deliveries">Cancelled when work under way must be abandoned (shutdown after the drain timeout).</param>
    public NotificationDispatcher(SinkOptions options, RouteLanes lanes, ServiceDelivery delivery, DeadLetterWriter deadLetters,
        SinkStats stats, ILogger log, Action<Exception> onFatal, CancellationToken deliveries)
    {
        _lanes = lanes;
        _delivery = delivery;
        _deadLetters = deadLetters;
        _stats = stats;
        _log = log;
        _onFatal = onFatal;
        _deliveries = deliveries;
        _sequencer = new KeyedSequencer(onFatal);
        _limiter = new StormLimiter(options.RateLimit, ScheduleFlush);
        _grouper = new RouteGrouper(options.Grouping, SendAsync, stats, log, _stopping.Token);
    }

    /// <summary>From now on nothing new starts; work under way goes on until <c>deliveries</c> is cancelled.</summary>
    public void Stop() => _stopping.Cancel();

    public void Dispatch(AlertRecord record)
    {
        if (record.Alert is null)
        {
            _ = DeadLetterAsync([record], new DeadLetterReason(DeadLetterReason.StageDecode, record.DecodeError ?? "unreadable record"));
            return;
        }
        if (!record.Alert.ShouldNotify)
        {
            _stats.OnSkipped();
            record.Finish();
            return;
        }
        _sequencer.Enqueue(record.AlertKey, () => AdmitAsync(record));
    }

    private async Task AdmitAsync(AlertRecord record)
    {
        if (_stopping.IsCancellationRequested) return;
        try
        {
            // Validated before the rate limit so a held-back event can always be composed later.
            AlertFields.Validate(record.Alert!);
        }
        catch (PayloadException ex)
        {
            await DeadLetterAsync([record], new DeadLetterReason(DeadLetterReason.StagePayload, ex.Message)).ConfigureAwait(false);
            return;
        }
        var notice = _limiter.Admit(record);
        if (notice is null)
        {
            _stats.OnHeldBack();
            _log.LogDebug("rate limit: {Record} held back", record);
            return;
        }
        await NotifyAsync(notice).ConfigureAwait(false);
    }

    private void ScheduleFlush(string key, TimeSpan after)
    {
        _ = FlushLaterAsync();

        async Task FlushLaterAsync()
        {
            try
            {
                await Task.Delay(after, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            // Through the sequencer, so the summary keeps its place among the key's events.
            await _sequencer.Enqueue(key, async () =>
            {
                if (_stopping.IsCancellationRequested) return;
                if (_limiter.TakeForFlush(key) is { } notice) await NotifyAsync(notice).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
    }

    private Task NotifyAsync(AlertNotice notice)
    {
        if (_grouper.TryAdd(notice)) return Task.CompletedTask;
        var records = notice.AllRecords.ToList();
        NotificationRequest request;
        try
        {
            request = NotificationComposer.Compose(notice.Record.Alert!, notice.HeldBack.Select(h => h.Alert!).ToList());
        }
        catch (Exception ex)
        {
            // One event the composer cannot handle must not stop every other alert: it is dead-lettered.
            return DeadLetterAsync(records, new DeadLetterReason(DeadLetterReason.StagePayload, $"could not compose the notification: {ex.GetType().Name}: {ex.Message}"));
        }
        return SendAsync(new Notification(request, notice.Record.Route, records));
    }

    /// <summary>Delivers inside the route's bulkhead and finishes every record the notification stands for.</summary>
    private async Task SendAsync(Notification notification)
    {
        Work.Enter();
        try
        {
            var outcome = await _lanes.For(notification.Route)
                .RunAsync(ct => _delivery.DeliverAsync(notification, ct), _deliveries).ConfigureAwait(false);
            if (outcome.Delivered)
            {
                _stats.OnDelivered(notification.Records.Count);
                foreach (var r in notification.Records) r.Finish();
            }
            else
            {
                _log.LogWarning("{Notification} dead-lettered: {Reason}", notification, outcome.DeadLetter!.Error);
                await DeadLetterAsync(notification.Records, outcome.DeadLetter!).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_deliveries.IsCancellationRequested)
        {
            // Abandoned at shutdown: unfinished, so uncommitted, so delivered after the restart.
        }
        catch (Exception ex)
        {
            _onFatal(ex);
        }
        finally
        {
            Work.Exit();
        }
    }

    private async Task DeadLetterAsync(IReadOnlyList<AlertRecord> records, DeadLetterReason reason)
    {
        Work.Enter();
        try
        {
            foreach (var r in records)
            {
                await _deadLetters.WriteAsync(r.Source, reason, _deliveries).ConfigureAwait(false);
                _stats.OnDeadLettered(1);
                r.Finish();
            }
            if (reason.Stage != DeadLetterReason.StageDelivery)
                _log.LogWarning("{Count} record(s) dead-lettered at {Stage}: {Reason}", records.Count, reason.Stage, reason.Error);
        }
        catch (OperationCanceledException) when (_deliveries.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _onFatal(ex);
        }
        finally
        {
            Work.Exit();
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _limiter.Dispose();
        _stopping.Dispose();
    }
}
