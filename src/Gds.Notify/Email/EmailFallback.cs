using System.Threading.Channels;
using MimeKit;
using Polly;
using Polly.Retry;

namespace Gds.Notify.Email;

/// <summary>
/// The email bulkhead: CRITICAL notifications are offered here while the breaker is open and mailed by a worker of
/// its own, through a bounded queue. Offering never waits, so a slow or dead SMTP server never holds up HTTP
/// delivery; when the queue is full the mail is dropped and counted (the event itself still goes to the service).
/// </summary>
public sealed class EmailFallback
{
    private readonly EmailOptions _options;
    private readonly IMailSender _sender;
    private readonly SinkStats _stats;
    private readonly ILogger _log;
    private readonly Channel<Notification> _queue;
    private readonly MailboxAddress _from;
    private readonly ResiliencePipeline _send;

    public EmailFallback(EmailOptions options, IMailSender sender, SinkStats stats, ILogger log)
    {
        _options = options;
        _sender = sender;
        _stats = stats;
        _log = log;
        _from = MailboxAddress.Parse(options.From);
        _queue = Channel.CreateBounded<Notification>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
        });
        _send = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
                MaxRetryAttempts = 2,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(1),
            })
            .AddTimeout(options.SendTimeout)
            .Build();
    }

    /// <summary>Recipients of a route: its own list, else the default list.</summary>
    public IReadOnlyList<MailboxAddress> RecipientsFor(string? routingKey) =>
        RecipientList.Parse(routingKey is not null && _options.Recipients.TryGetValue(routingKey, out var list) ? list : _options.DefaultRecipients);

    /// <summary>Queues the mail and returns at once.</summary>
    public void Offer(Notification notification)
    {
        if (_queue.Writer.TryWrite(notification)) return;
        _stats.OnEmailDropped();
        _log.LogWarning("email queue full ({Capacity}): fallback mail for {Notification} dropped", _options.QueueCapacity, notification);
    }

    /// <summary>The worker: mails queued notifications until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var n in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                await MailAsync(n, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task MailAsync(Notification n, CancellationToken cancellationToken)
    {
        var to = RecipientsFor(n.Request.RoutingKey);
        if (to.Count == 0)
        {
            _log.LogWarning("no fallback recipients for route {Route}: {Notification} not mailed", n.Request.RoutingKey, n);
            _stats.OnEmailFailed();
            return;
        }
        try
        {
            var message = EmailComposer.Compose(n, _from, to);
            await _send.ExecuteAsync(async ct => await _sender.SendAsync(message, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            _stats.OnEmailed();
            _log.LogInformation("mailed {Notification} to {Recipients} (gds_notification unavailable)", n, string.Join(", ", to.Select(a => a.Address)));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _stats.OnEmailFailed();
            _log.LogError("fallback mail for {Notification} via {Host}:{Port} failed: {Error}", n, _options.SmtpHost, _options.SmtpPort, ex.Message);
        }
    }
}
