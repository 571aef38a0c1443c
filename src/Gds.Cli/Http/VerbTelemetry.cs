using Gds.Kafka.Clients;
using Gds.Telemetry;
using Gds.Telemetry.SelfReport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Gds.Cli.Http;

/// <summary>
/// A verb's telemetry for as long as it runs: the <see cref="ProcessTelemetry"/> its components attach to, the HTTP
/// endpoint when one is asked for, and the self-report to gds.metrics.gds.{environment} (SelfReport:Enabled, on by
/// default). A verb starts it once its components exist and disposes it before they go.
/// </summary>
internal sealed class VerbTelemetry : IAsyncDisposable
{
    private readonly TelemetryEndpoint? _endpoint;
    private readonly SelfReporter? _selfReport;

    private VerbTelemetry(ProcessTelemetry telemetry, TelemetryEndpoint? endpoint, SelfReporter? selfReport)
    {
        Telemetry = telemetry;
        _endpoint = endpoint;
        _selfReport = selfReport;
    }

    public ProcessTelemetry Telemetry { get; }

    public Uri? Address => _endpoint?.Address;

    /// <param name="verb">streams, sink, collect, dw-import: the identity is gds-VERB@HOST unless SelfReport:Identity says otherwise</param>
    public static async Task<VerbTelemetry> StartAsync(string verb, ListenAddress? listen, IConfiguration config, KafkaClientFactory clients,
        ILoggerFactory logs, Action<ProcessTelemetry> attach, string? identity = null, CancellationToken ct = default)
    {
        var log = logs.CreateLogger("gds." + verb);
        var options = new SelfReportOptions();
        config.GetSection(SelfReportOptions.Section).Bind(options);
        var telemetry = new ProcessTelemetry(config[$"{SelfReportOptions.Section}:Identity"] is { Length: > 0 } configured
            ? configured : identity ?? ProcessTelemetry.DefaultIdentity(verb));
        attach(telemetry);
        var endpoint = await TelemetryEndpoint.StartIfConfiguredAsync(listen, telemetry, log, ct);
        SelfReporter? selfReport = null;
        if (options.Enabled)
        {
            selfReport = new SelfReporter(telemetry, clients, options, log);
            await selfReport.StartAsync(ct);
        }
        return new VerbTelemetry(telemetry, endpoint, selfReport);
    }

    public async ValueTask DisposeAsync()
    {
        if (_selfReport is not null) await _selfReport.DisposeAsync();
        if (_endpoint is not null) await _endpoint.DisposeAsync();
    }
}
