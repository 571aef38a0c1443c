using Gds.Alerting.Hygiene;
using Gds.Kafka.Admin;
using Gds.Telemetry;
using Gds.Topology.Hosting;
using Gds.Topology.Telemetry;

namespace Gds.Cli.Commands.Streams;

/// <summary>The topology as a hosted service: on stop, its tasks commit their offsets and checkpoint their stores.</summary>
public sealed class StreamsService(
    IOptions<StreamsOptions> options, IOptions<HygieneOptions> hygiene, IOptions<Gds.Notify.Watchdog.WatchdogOptions> watchdog, KafkaClientFactory kafka, ILoggerFactory logs,
    VerbOutcome outcome, IHostApplicationLifetime lifetime, ProcessTelemetry telemetry)
    : VerbService(outcome, lifetime, logs.CreateLogger("gds.streams"))
{
    private readonly ILogger _log = logs.CreateLogger("gds.streams");

    protected override async Task<int> RunAsync(CancellationToken stopping)
    {
        var hostOptions = options.Value.ToHostOptions(kafka, hygiene.Value, watchdog.Value.Enabled ? watchdog.Value.Interval : null);
        await using var host = new StreamsHost(hostOptions, new KafkaTopicCreator(kafka), logs);
        StreamsTelemetry.Attach(telemetry, host);
        await host.StartAsync(stopping);
        await host.WaitUntilRunningAsync(TimeSpan.FromMinutes(2), stopping);
        _log.LogInformation("running: {Rules} rule(s) in force", host.Rules.Count);
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var tick = Task.Delay(TimeSpan.FromSeconds(30), stopping);
                if (await Task.WhenAny(tick, host.Failed) == host.Failed)
                {
                    _log.LogCritical("giving up: {Error}", host.Failed.Exception?.InnerException?.Message);
                    return ExitCodes.Failed;
                }
                await tick;
                _log.LogInformation("rules={Rules} firing={Firing} resolved={Resolved} repeats-suppressed={Repeats} restarts={Restarts} dlq={Dlq}",
                    host.Rules.Count, host.Counters.Firing, host.Counters.Resolved, host.Counters.RepeatsSuppressed, host.Restarts, host.Counters.DeadLetteredMetrics);
            }
        }
        catch (OperationCanceledException) { }
        _log.LogInformation("stopping: committing offsets and closing the stores");
        await host.DisposeAsync();
        _log.LogInformation("stopped: firing={Firing} resolved={Resolved} repeats-suppressed={Repeats} restarts={Restarts}",
            host.Counters.Firing, host.Counters.Resolved, host.Counters.RepeatsSuppressed, host.Restarts);
        return ExitCodes.Ok;
    }
}
