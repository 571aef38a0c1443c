using Gds.Telemetry.Export;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;

namespace Gds.Telemetry;

/// <summary>
/// What one gds process tells about itself: the metric sources of its components (exported through one
/// prometheus-net registry, and read by the self-report), and the checks that decide whether it is ready. Built by
/// the verb, read by the HTTP endpoint and the self-report; it does not care how the verb is hosted.
/// </summary>
public sealed class ProcessTelemetry
{
    private readonly List<IReadingSource> _sources = [];
    private readonly List<(string Name, IHealthCheck Check)> _readiness = [];

    /// <param name="identity">who this process is, e.g. gds-sink@HOST: the instance_id of its self-reported metrics</param>
    public ProcessTelemetry(string identity)
    {
        Identity = identity;
    }

    public string Identity { get; }

    /// <summary>Where /metrics is served from: a registry of this process's own, not prometheus-net's static default.</summary>
    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    public IReadOnlyList<IReadingSource> Sources { get { lock (_sources) return [.. _sources]; } }

    /// <summary>A copy: components attach while the endpoint already answers.</summary>
    public IReadOnlyList<(string Name, IHealthCheck Check)> Readiness { get { lock (_readiness) return [.. _readiness]; } }

    public ProcessTelemetry Add(IReadingSource source)
    {
        lock (_sources) _sources.Add(source);
        PrometheusReadings.Register(Registry, source);
        return this;
    }

    /// <summary>A condition for /readyz, e.g. "streams" or "breaker"; the process is ready when every one is.</summary>
    public ProcessTelemetry AddReadiness(string name, IHealthCheck check)
    {
        lock (_readiness) _readiness.Add((name, check));
        return this;
    }

    /// <summary>A readiness condition as a function: null when ready, else what is not ready (shown by /readyz).</summary>
    public ProcessTelemetry AddReadiness(string name, Func<string?> notReadyBecause) => AddReadiness(name, new FuncReadiness(notReadyBecause));

    /// <summary>Every reading of every source, now.</summary>
    public List<Reading> ReadAll()
    {
        var list = new List<Reading>();
        foreach (var s in Sources) s.Read(list);
        return list;
    }

    /// <summary>The default identity of a verb's process: gds-VERB@HOST, as collectors name themselves.</summary>
    public static string DefaultIdentity(string verb) => $"gds-{verb}@{Environment.MachineName}";

    private sealed class FuncReadiness(Func<string?> notReadyBecause) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(notReadyBecause() is { } why ? HealthCheckResult.Unhealthy(why) : HealthCheckResult.Healthy());
    }
}
