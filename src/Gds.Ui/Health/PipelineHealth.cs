using System.Globalization;
using System.Text.Json;

namespace Gds.Ui.Health;

/// <summary>One process's endpoint as last polled: ready or why not, and its pipeline figures.</summary>
public sealed record ProcessHealth(string Url, bool Reachable, bool Ready, IReadOnlyDictionary<string, string> NotReady,
    IReadOnlyDictionary<string, double> Figures, IReadOnlyDictionary<string, double> RatesPerSecond, string? Error, DateTimeOffset At);

/// <summary>
/// Polls the /readyz and /metrics of the processes given with --health (their --http endpoints), so the page shows
/// lag, rates, dead letters and the sink's breaker next to the alerts. Only the gds_* figures below are kept.
/// </summary>
public sealed class PipelineHealth(IReadOnlyList<Uri> endpoints, HttpClient http, ILogger log, TimeSpan? every = null)
{
    /// <summary>The figures the page shows: counters become rates, gauges are summed over their labels.</summary>
    private static readonly string[] Kept =
    [
        "gds_streams_consumer_lag_records", "gds_sink_consumer_lag_records", "gds_streams_running", "gds_streams_restarts_total",
        "gds_streams_samples_evaluated_total", "gds_streams_alerts_emitted_total", "gds_streams_dead_letters_total",
        "gds_sink_events_consumed_total", "gds_sink_notifications_total", "gds_sink_delivery_failures_total", "gds_sink_dead_letters_total",
        "gds_sink_breaker_open", "gds_sink_in_flight_events", "gds_collector_up", "gds_collector_samples_published_total", "gds_collector_spool_used_ratio",
    ];

    private readonly TimeSpan _every = every ?? TimeSpan.FromSeconds(5);
    /// <summary>Per endpoint: the scrape rates are measured from, and the rates last measured.</summary>
    private readonly Dictionary<string, (DateTimeOffset At, Dictionary<string, double> Figures, Dictionary<string, double> Rates)> _previous = new();

    /// <summary>The shortest span a rate is measured over: shorter ones would jump with each scrape's timing.</summary>
    private static readonly TimeSpan RateSpan = TimeSpan.FromSeconds(1);
    private volatile IReadOnlyList<ProcessHealth> _latest = [];

    public IReadOnlyList<Uri> Endpoints => endpoints;
    public IReadOnlyList<ProcessHealth> Latest => _latest;

    public async Task RunAsync(CancellationToken stop)
    {
        if (endpoints.Count == 0) return;
        using var timer = new PeriodicTimer(_every);
        do
        {
            var results = await Task.WhenAll(endpoints.Select(e => PollAsync(e, stop)));
            _latest = results;
        }
        while (await WaitAsync(timer, stop));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stop)
    {
        try { return await timer.WaitForNextTickAsync(stop); }
        catch (OperationCanceledException) { return false; }
    }

    private async Task<ProcessHealth> PollAsync(Uri endpoint, CancellationToken stop)
    {
        var now = DateTimeOffset.UtcNow;
        var url = endpoint.ToString().TrimEnd('/');
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            using var ready = await http.GetAsync(url + "/readyz", timeout.Token);
            var notReady = new Dictionary<string, string>();
            if (!ready.IsSuccessStatusCode)
            {
                var body = await ready.Content.ReadAsStringAsync(timeout.Token);
                try
                {
                    using var doc = JsonDocument.Parse(body);
                    if (doc.RootElement.TryGetProperty("not_ready", out var nr))
                        foreach (var p in nr.EnumerateObject()) notReady[p.Name] = p.Value.ToString();
                }
                catch (JsonException) { notReady["readyz"] = $"HTTP {(int)ready.StatusCode}"; }
                if (notReady.Count == 0) notReady["readyz"] = $"HTTP {(int)ready.StatusCode}";
            }
            var text = await http.GetStringAsync(url + "/metrics", timeout.Token);
            var figures = Parse(text);
            var rates = new Dictionary<string, double>();
            if (!_previous.TryGetValue(url, out var before)) _previous[url] = (now, figures, rates);
            else if (now - before.At < RateSpan) rates = before.Rates;
            else
            {
                foreach (var (name, value) in figures)
                    if (name.EndsWith("_total", StringComparison.Ordinal) && before.Figures.TryGetValue(name, out var old) && value >= old)
                        rates[name] = (value - old) / (now - before.At).TotalSeconds;
                _previous[url] = (now, figures, rates);
            }
            return new ProcessHealth(url, true, ready.IsSuccessStatusCode, notReady, figures, rates, null, now);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
        {
            log.LogDebug("ui: health of {Url}: {Error}", url, ex.Message);
            return new ProcessHealth(url, false, false, new Dictionary<string, string>(), new Dictionary<string, double>(), new Dictionary<string, double>(), ex.Message, now);
        }
    }

    /// <summary>
    /// Sums the samples of the kept metrics over their labels. Hand-written because only sample lines of the
    /// Prometheus text format are read (name, optional {labels}, value); no parser package is in use here.
    /// </summary>
    public static Dictionary<string, double> Parse(string text)
    {
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var nameEnd = line.IndexOfAny(['{', ' ']);
            if (nameEnd <= 0) continue;
            var name = line[..nameEnd];
            if (!Kept.Contains(name)) continue;
            var valueStart = line[nameEnd] == '{' ? line.IndexOf('}', nameEnd) + 1 : nameEnd;
            if (valueStart <= 0) continue;
            var fields = line[valueStart..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || !double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || double.IsNaN(v)) continue;
            sums[name] = sums.GetValueOrDefault(name) + v;
        }
        return sums;
    }
}
