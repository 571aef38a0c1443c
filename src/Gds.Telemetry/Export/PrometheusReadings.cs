using Prometheus;

namespace Gds.Telemetry.Export;

/// <summary>
/// Exports an <see cref="IReadingSource"/> through a prometheus-net registry: each metric becomes a gauge or a
/// counter family, and just before every collection the source is read and the families set to its values. A
/// labelled series that the source no longer reports (a partition moved to another process) is removed, so a
/// scrape never shows a lag frozen at its last value.
/// </summary>
internal sealed class PrometheusReadings
{
    private readonly IReadingSource _source;
    private readonly Dictionary<TelemetryMetric, Family> _families = [];
    private readonly List<Reading> _buffer = [];
    private readonly Lock _gate = new();

    private PrometheusReadings(IReadingSource source, CollectorRegistry registry)
    {
        _source = source;
        var factory = Metrics.WithCustomRegistry(registry);
        foreach (var m in source.Metrics)
            _families[m] = m.Kind == TelemetryKind.Counter
                ? new Family(factory.CreateCounter(m.Name, m.Help, [.. m.Labels]), null)
                : new Family(null, factory.CreateGauge(m.Name, m.Help, [.. m.Labels]));
    }

    public static void Register(CollectorRegistry registry, IReadingSource source)
    {
        var export = new PrometheusReadings(source, registry);
        registry.AddBeforeCollectCallback(export.Update);
    }

    private void Update()
    {
        // Two scrapes at once (Prometheus and a curl) must not interleave their writes of the same families.
        lock (_gate)
        {
            _buffer.Clear();
            _source.Read(_buffer);
            var seen = new HashSet<(TelemetryMetric, string)>();
            foreach (var r in _buffer)
            {
                if (!_families.TryGetValue(r.Metric, out var family)) continue;
                var labels = r.LabelValues ?? [];
                if (labels.Length != r.Metric.Labels.Count) continue;
                family.Set(labels, r.Value);
                if (labels.Length > 0) seen.Add((r.Metric, string.Join('\u0001', labels)));
            }
            foreach (var (metric, family) in _families)
                if (metric.Labels.Count > 0) family.RemoveAllBut(metric, seen);
        }
    }

    private sealed record Family(Counter? Counter, Gauge? Gauge)
    {
        public void Set(string[] labels, double value)
        {
            if (Counter is not null)
            {
                // The sources' totals live as long as the process, so they only go up, as IncTo wants.
                if (labels.Length == 0) Counter.IncTo(value);
                else Counter.WithLabels(labels).IncTo(value);
            }
            else
            {
                if (labels.Length == 0) Gauge!.Set(value);
                else Gauge!.WithLabels(labels).Set(value);
            }
        }

        public void RemoveAllBut(TelemetryMetric metric, HashSet<(TelemetryMetric, string)> seen)
        {
            var all = Counter is not null ? Counter.GetAllLabelValues() : Gauge!.GetAllLabelValues();
            foreach (var labels in all.ToList())
            {
                if (seen.Contains((metric, string.Join('\u0001', labels)))) continue;
                if (Counter is not null) Counter.RemoveLabelled(labels);
                else Gauge!.RemoveLabelled(labels);
            }
        }
    }
}
