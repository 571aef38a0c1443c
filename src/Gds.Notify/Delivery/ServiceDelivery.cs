using Gds.Notify.Client;
using Gds.Notify.DeadLetter;
using Gds.Notify.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Gds.Notify.Delivery;

/// <summary>
/// Delivers one notification to gds_notification through the resilience pipelines and says how it ended. It only
/// returns once the service took it (2xx), rejected it (4xx), or the configured give-up time passed; an outage
/// of any length is waited out.
/// </summary>
public sealed class ServiceDelivery(NotificationClient client, ServicePipelines pipelines, SinkStats stats, ILogger log)
{
    public static readonly ResiliencePropertyKey<Notification> NotificationKey = new("gds.notification");

    public async ValueTask<DeliveryOutcome> DeliverAsync(Notification notification, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        var attempts = new DeliveryAttempts();
        context.Properties.Set(ServicePipelines.AttemptsKey, attempts);
        context.Properties.Set(NotificationKey, notification);
        try
        {
            var outcome = await pipelines.Hold.ExecuteAsync(
                static (ctx, s) => s.self.RoundAsync(s.notification, s.attempts, ctx.CancellationToken),
                context, (self: this, notification, attempts)).ConfigureAwait(false);
            var last = outcome.Last;
            return outcome.Result switch
            {
                RoundResult.Delivered => DeliveryOutcome.Success(attempts.Count),
                RoundResult.Rejected => DeliveryOutcome.Failed(new DeadLetterReason(DeadLetterReason.StageDelivery,
                    $"gds_notification rejected message_id {notification.Request.MessageId}: {last?.Describe()}",
                    last?.StatusCode, last?.Body, attempts.Count)),
                _ => DeliveryOutcome.Failed(new DeadLetterReason(DeadLetterReason.StageDelivery,
                    $"gave up on message_id {notification.Request.MessageId} after {DateTimeOffset.UtcNow - attempts.StartedAt:g} (Retry:GiveUpAfter); last: {last?.Describe() ?? "circuit open"}",
                    last?.StatusCode, last?.Body, attempts.Count)),
            };
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<RoundOutcome> RoundAsync(Notification notification, DeliveryAttempts attempts, CancellationToken cancellationToken)
    {
        try
        {
            var result = await pipelines.Round.ExecuteAsync(
                static (s, ct) => s.self.AttemptAsync(s.notification, s.attempts, s.outer, ct),
                (self: this, notification, attempts, outer: cancellationToken), cancellationToken).ConfigureAwait(false);
            if (result.IsSuccess) return new RoundOutcome(RoundResult.Delivered, result);
            if (result.IsPermanent) return new RoundOutcome(RoundResult.Rejected, result);
            return new RoundOutcome(RoundResult.Unavailable, result, RetryAfter: attempts.RemainingRetryAfter(TimeSpan.MaxValue));
        }
        catch (BrokenCircuitException open)
        {
            return new RoundOutcome(RoundResult.Unavailable, attempts.Last, BreakerOpen: true, RetryAfter: open.RetryAfter);
        }
        catch (TimeoutRejectedException) when (!cancellationToken.IsCancellationRequested)
        {
            return new RoundOutcome(RoundResult.Unavailable, attempts.Last, RetryAfter: attempts.RemainingRetryAfter(TimeSpan.MaxValue));
        }
    }

    private async ValueTask<AttemptResult> AttemptAsync(Notification notification, DeliveryAttempts attempts, CancellationToken outer, CancellationToken attempt)
    {
        var trace = log.IsEnabled(LogLevel.Trace);
        if (trace) log.LogTrace("{Notification}: attempt {Attempt} starting", notification, attempts.Count + 1);
        try
        {
            // WaitAsync: the attempt ends at its timeout even if something below ignores the token, so a stuck
            // connection can cost an attempt but never the sink's progress.
            var result = await client.SendAsync(notification.Request, attempt).WaitAsync(attempt).ConfigureAwait(false);
            attempts.Record(result);
            if (trace) log.LogTrace("{Notification}: attempt {Attempt} answered {Status}", notification, attempts.Count, result.StatusCode);
            if (!result.IsSuccess)
            {
                stats.OnAttemptFailed();
                log.LogDebug("{Notification}: attempt {Attempt}: {What}", notification, attempts.Count, result.Describe());
            }
            return result;
        }
        catch (OperationCanceledException) when (!outer.IsCancellationRequested)
        {
            log.LogDebug("{Notification}: attempt {Attempt} got no answer within {Timeout}", notification, attempts.Count + 1, "Retry:AttemptTimeout");
            // The attempt timeout fired; Polly turns this into TimeoutRejectedException.
            attempts.Record(new AttemptResult(null, null, null, new TimeoutException("no answer within Retry:AttemptTimeout")));
            stats.OnAttemptFailed();
            throw;
        }
    }
}
