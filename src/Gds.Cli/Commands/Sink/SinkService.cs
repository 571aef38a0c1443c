using Gds.Notify;
using Gds.Notify.Telemetry;
using Gds.Telemetry;

namespace Gds.Cli.Commands.Sink;

/// <summary>
/// The sink as a hosted service: on stop it stops consuming, lets deliveries under way finish (Sink:DrainTimeout)
/// and commits what is delivered; the rest is read again by the next sink.
/// </summary>
public sealed class SinkService(
    IOptions<SinkOptions> options, KafkaClientFactory kafka, ILoggerFactory logs, SinkService.Reporting reporting,
    VerbOutcome outcome, IHostApplicationLifetime lifetime, ProcessTelemetry telemetry)
    : VerbService(outcome, lifetime, logs.CreateLogger("gds.sink"))
{
    /// <summary>How often the counters are logged; null never.</summary>
    public sealed record Reporting(TimeSpan? Every);

    private readonly ILogger _log = logs.CreateLogger("gds.sink");

    protected override async Task<int> RunAsync(CancellationToken stopping)
    {
        using var sink = new NotificationSink(options.Value, kafka, logs);
        SinkTelemetry.Attach(telemetry, sink);
        var reporter = reporting.Every is { } e ? ReportAsync(sink, e, stopping) : Task.CompletedTask;
        _log.LogInformation("delivering {Topic} to {Url}/ingest", options.Value.SourceTopic, options.Value.NotifyUrl.TrimEnd('/'));
        using (stopping.Register(() => _log.LogInformation("stopping: finishing deliveries under way and committing what is delivered")))
            await sink.RunAsync(stopping);
        await reporter;
        Console.WriteLine(sink.Stats.ToString());
        return ExitCodes.Ok;
    }

    private async Task ReportAsync(NotificationSink sink, TimeSpan every, CancellationToken ct)
    {
        try
        {
            using var timer = new PeriodicTimer(every);
            while (await timer.WaitForNextTickAsync(ct)) _log.LogInformation("{Stats}", sink.Stats);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
