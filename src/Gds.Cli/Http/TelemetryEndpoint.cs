using System.Text.Json;
using Gds.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;

namespace Gds.Cli.Http;

/// <summary>
/// The process's own HTTP endpoint (Kestrel), for probes and Prometheus: /healthz (the process answers: 200),
/// /readyz (200 when every readiness check of the <see cref="ProcessTelemetry"/> passes, else 503 with what is not
/// ready), /metrics (the Prometheus text format of its registry). Started and stopped with the verb; also an
/// <see cref="IHostedService"/>, so a Generic Host can own it. It has no container of its own to share: the verb
/// hands it the telemetry.
/// </summary>
public sealed class TelemetryEndpoint : IHostedService, IAsyncDisposable
{
    private readonly ListenAddress _listen;
    private readonly ProcessTelemetry _telemetry;
    private readonly ILogger _log;
    private WebApplication? _app;

    public TelemetryEndpoint(ListenAddress listen, ProcessTelemetry telemetry, ILogger log)
    {
        _listen = listen;
        _telemetry = telemetry;
        _log = log;
    }

    /// <summary>The address it listens on, once started (the real port when asked for port 0).</summary>
    public Uri? Address { get; private set; }

    /// <summary>Starts one when <paramref name="listen"/> is set (--http or Http:Listen), else returns null.</summary>
    public static async Task<TelemetryEndpoint?> StartIfConfiguredAsync(ListenAddress? listen, ProcessTelemetry telemetry, ILogger log, CancellationToken ct = default)
    {
        if (listen is not { } address) return null;
        var endpoint = new TelemetryEndpoint(address, telemetry, log);
        await endpoint.StartAsync(ct);
        return endpoint;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        // The verb logs; Kestrel's own information lines (and ASPNETCORE_URLS) have no say here.
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(_listen.Url);
        var app = builder.Build();

        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", (HttpContext http) => WriteReadinessAsync(http));
        app.MapGet("/metrics", async (HttpContext http) =>
        {
            http.Response.ContentType = PrometheusConstants.TextContentTypeWithVersionAndEncoding;
            await _telemetry.Registry.CollectAndExportAsTextAsync(http.Response.Body, http.RequestAborted);
        });
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            await app.DisposeAsync();
            throw new InvalidOperationException($"--http {_listen.Host}:{_listen.Port}: cannot listen there: {ex.Message}", ex);
        }
        _app = app;
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? _listen.Url;
        Address = new Uri(bound);
        _log.LogInformation("http: serving /healthz, /readyz and /metrics on {Address}", Address);
    }

    /// <summary>
    /// {"status":"ready"} or 503 {"status":"not ready","not_ready":{"breaker":"…"}}. The checks are read at each
    /// request: a verb attaches its component's once it has built it, and until then the process is "starting".
    /// </summary>
    private async Task WriteReadinessAsync(HttpContext http)
    {
        var notReady = new Dictionary<string, string>();
        var checks = _telemetry.Readiness;
        if (checks.Count == 0) notReady["starting"] = "the verb has not built its components yet";
        foreach (var (name, check) in checks)
        {
            HealthCheckResult result;
            try
            {
                result = await check.CheckHealthAsync(new HealthCheckContext(), http.RequestAborted);
            }
            catch (Exception ex)
            {
                result = HealthCheckResult.Unhealthy(ex.Message);
            }
            if (result.Status != HealthStatus.Healthy) notReady[name] = result.Description ?? "not ready";
        }
        http.Response.StatusCode = notReady.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        http.Response.ContentType = "application/json; charset=utf-8";
        object body = notReady.Count == 0
            ? new { status = "ready" }
            : new { status = "not ready", not_ready = notReady };
        await http.Response.WriteAsync(JsonSerializer.Serialize(body) + "\n");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is null) return;
        await _app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is null) return;
        var app = _app;
        _app = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await app.StopAsync(timeout.Token); } catch (OperationCanceledException) { }
        await app.DisposeAsync();
    }
}
