using Gds.Contracts.Metrics.Catalog;
using Gds.Kafka.Clients;
using Gds.Notify.Client;
using Gds.Notify.Configuration;
using Gds.Notify.DeadLetter;
using Gds.Notify.Email;
using Gds.Notify.Resilience;
using Gds.Telemetry.Lag;
using Gds.Telemetry.Readings;
using Gds.Notify.Watchdog;
using Polly.CircuitBreaker;

namespace Gds.Notify;

/// <summary>
/// The notification sink: consumes gds.alerts in group <see cref="SinkOptions.ConsumerGroup"/> and delivers every
/// event to gds_notification (POST {NotifyUrl}/ingest, message_id = event id), committing an offset only after the
/// service answered 2xx or the event went to gds.alerts.dlq. The composition root of the Notify folders:
/// <c>Payload → RateLimiting → Grouping → Delivery (bulkhead per route) → Resilience → Client</c>, with
/// <c>Email</c> as fallback while the breaker is open and <c>DeadLetter</c> for what the service rejects.
/// </summary>
public sealed class NotificationSink : IDisposable
{
    private readonly SinkOptions _options;
    private readonly KafkaClientFactory _kafka;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;
    private readonly NotificationClient _client;
    private readonly ServicePipelines _pipelines;
    private readonly EmailFallback? _email;
    private int _started;

    public NotificationSink(SinkOptions options, KafkaClientFactory kafka, ILoggerFactory loggers)
        : this(options, kafka, loggers, mailSender: null)
    {
    }

    /// <summary>As the public constructor, with a mail sender other than SMTP (tests of the bulkhead).</summary>
    internal NotificationSink(SinkOptions options, KafkaClientFactory kafka, ILoggerFactory loggers, IMailSender? mailSender)
    {
        SinkOptionsValidator.ThrowIfInvalid(options);
        _options = options;
        _kafka = kafka;
        _loggers = loggers;
        _log = loggers.CreateLogger("Gds.Notify.Sink");
        _client = NotificationClient.Create(options);
        if (!_client.SendsAuthHeader)
            _log.LogWarning("no auth token for gds_notification (Sink:AuthTokenFile, ${Variable}): requests go without {Header}",
                options.AuthTokenEnvironmentVariable, options.AuthHeaderName);
        if (options.SkipTlsVerification)
            _log.LogWarning("TLS certificate verification of {Url} is OFF (Sink:SkipTlsVerification)", options.NotifyUrl);
        _pipelines = new ServicePipelines(options.Retry, options.Breaker, Stats, loggers.CreateLogger("Gds.Notify.Resilience"));
        if (options.Email.Enabled)
        {
            _email = new EmailFallback(options.Email, mailSender ?? new SmtpMailer(options.Email), Stats, loggers.CreateLogger("Gds.Notify.Email"));
            _pipelines.OnHold = (context, outcome, _) =>
            {
                if (outcome.BreakerOpen
                    && context.Properties.TryGetValue(ServiceDelivery.NotificationKey, out var n)
                    && n.IsCritical && n.ClaimEmail())
                    _email.Offer(n);
                return default;
            };
        }
    }

    /// <summary>Live counters, readable from any thread while <see cref="RunAsync"/> runs.</summary>
    public SinkStats Stats { get; } = new();

    /// <summary>Lag of the sink's consumer on gds.alerts, per assigned partition (for /metrics and readiness).</summary>
    public ConsumerLag Lag { get; } = new(TelemetryMetric.Of(PipelineMetrics.SinkConsumerLag));

    public SinkOptions Options => _options;

    /// <summary>Closed, Open, HalfOpen or Isolated: the breaker around gds_notification.</summary>
    public CircuitState BreakerState => _pipelines.BreakerState;

    /// <summary>
    /// Consumes and delivers until <paramref name="cancellationToken"/> is cancelled, then lets deliveries under way
    /// finish for up to <see cref="SinkOptions.DrainTimeout"/>, commits what is finished and returns. Throws when the
    /// sink cannot go on (a fatal Kafka error, a bug); what was not finished is re-read by the next run.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1) throw new InvalidOperationException("a NotificationSink runs once; create a new one");
        using var fatal = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var deliveries = new CancellationTokenSource();
        using var emailStop = new CancellationTokenSource();
        Exception? failure = null;
        void OnFatal(Exception ex)
        {
            _log.LogCritical(ex, "the sink stops: unexpected failure");
            Interlocked.CompareExchange(ref failure, ex, null);
            try { fatal.Cancel(); } catch (ObjectDisposedException) { }
        }

        var tracker = new OffsetTracker();
        var lanes = new RouteLanes(_options.Bulkhead);
        using var deadLetters = new DeadLetterWriter(_kafka, _options.DeadLetterTopic, _options.ClientId, _loggers.CreateLogger("Gds.Notify.DeadLetter"));
        var delivery = new ServiceDelivery(_client, _pipelines, Stats, _loggers.CreateLogger("Gds.Notify.Delivery"));
        using var dispatcher = new NotificationDispatcher(_options, lanes, delivery, deadLetters, Stats,
            _loggers.CreateLogger("Gds.Notify.Dispatch"), OnFatal, deliveries.Token);
        var intake = new RecordIntake(_options, lanes, tracker, dispatcher, Stats, _kafka.Codec);
        var loop = new AlertConsumerLoop(_options, _kafka, tracker, intake, Stats, Lag, _loggers.CreateLogger("Gds.Notify.Consumer"));

        async Task DrainAsync()
        {
            dispatcher.Stop();
            var idle = dispatcher.Work.WhenIdle();
            if (await Task.WhenAny(idle, Task.Delay(_options.DrainTimeout)).ConfigureAwait(false) != idle)
                _log.LogInformation("{Count} deliveries still under way after {Timeout}: abandoned, they are re-read on restart",
                    dispatcher.Work.Count, _options.DrainTimeout);
            deliveries.Cancel();
            await Task.WhenAny(idle, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        }

        var emailWorker = _email?.RunAsync(emailStop.Token) ?? Task.CompletedTask;
        // A sink whose watchdog died would page nobody when the topology stops: it stops too, to be restarted.
        var watchdog = _options.Watchdog is { } w
            ? new PipelineWatchdog(w, _options, _kafka, delivery, TimeProvider.System, _loggers.CreateLogger("Gds.Notify.Watchdog"))
                .RunAsync(fatal.Token).ContinueWith(t => { if (t.Exception is { } ex) OnFatal(ex.InnerException ?? ex); }, TaskScheduler.Default)
            : Task.CompletedTask;
        try
        {
            await Task.Factory.StartNew(() => loop.Run(fatal.Token, DrainAsync), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
        }
        finally
        {
            fatal.Cancel();
            await watchdog.ConfigureAwait(false);
            emailStop.Cancel();
            await emailWorker.ConfigureAwait(false);
            _log.LogInformation("sink stopped: {Stats}", Stats);
        }
        if (failure is not null) throw new InvalidOperationException("the notification sink failed: " + failure.Message, failure);
    }

    public void Dispose() => _client.Dispose();
}
