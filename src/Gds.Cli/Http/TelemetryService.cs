using Gds.Telemetry;
using Gds.Telemetry.SelfReport;
using Microsoft.Extensions.Configuration;

namespace Gds.Cli.Http;

/// <summary>
/// What every long-running verb serves besides its work: the HTTP endpoint when Http:Listen (--http) is set, and
/// the self-report to gds.metrics.gds.{environment} unless SelfReport:Enabled is false. Registered before the verb's
/// own service, it starts first (/readyz answers 503 "starting" until the verb attaches its component) and stops last.
/// </summary>
internal sealed class TelemetryService(ProcessTelemetry telemetry, IConfiguration config, IOptions<SelfReportOptions> selfReport,
    KafkaClientFactory kafka, ILoggerFactory logs) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _log = logs.CreateLogger("gds.telemetry");
    private TelemetryEndpoint? _endpoint;
    private SelfReporter? _reporter;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (config["Http:Listen"] is { Length: > 0 } text)
        {
            if (!ListenAddress.TryParse(text, out var listen, out var problem)) throw new OptionsValidationException("Http:Listen", typeof(string), [$"Http:Listen: {problem}"]);
            _endpoint = new TelemetryEndpoint(listen, telemetry, _log);
            await _endpoint.StartAsync(cancellationToken);
        }
        if (selfReport.Value.Enabled)
        {
            _reporter = new SelfReporter(telemetry, kafka, selfReport.Value, _log);
            await _reporter.StartAsync(cancellationToken);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_reporter is not null) await _reporter.StopAsync(cancellationToken);
        if (_endpoint is not null) await _endpoint.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_reporter is not null) await _reporter.DisposeAsync();
        if (_endpoint is not null) await _endpoint.DisposeAsync();
    }
}
