using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Gds.Contracts.Metrics;

namespace Gds.Alerting.Backtest.Corpus;

/// <summary>One generated series: its samples (every <see cref="Interval"/> from <see cref="AnomalyCorpus.Start"/>) and the windows in which a detection is useful.</summary>
public sealed record CorpusSeries(string Shape, string InstanceId, string MetricName, TimeSpan Interval, double[] Values, IReadOnlyList<LabelWindow> Windows)
{
    /// <summary>The name a labels file gives the series: instance_id:metric_name (the dedup key without its rule id).</summary>
    public string Key => $"{InstanceId}:{MetricName}";

    public DateTimeOffset TimeOf(int i) => AnomalyCorpus.Start + Interval * i;
}

/// <summary>
/// The labelled corpus of docs/rules.md (examples/anomaly-corpus): series of every shape an anomaly rule must handle
/// (level shifts, spikes, dips, variance changes, trend breaks, stalls, frozen values, daily and weekly cycles, noisy,
/// integer and sparse series, slow drifts that are no incident) and traces shaped like what the collectors emit
/// (connections, replication lag, latency, commit counters with daily cycles, deploy steps, batch jobs, maintenance
/// windows). Deterministic: a part's seed fixes every value. The development part is what the detector was tuned on;
/// the holdout has the same families with other seeds, parameters and incident times, and was only ever measured.
/// </summary>
public static class AnomalyCorpus
{
    /// <summary>A Monday, so weekly cycles start on a week boundary (UTC).</summary>
    public static readonly DateTimeOffset Start = new(2025, 3, 3, 0, 0, 0, TimeSpan.Zero);
    public const string Gauge = "corpus_value";
    public const string Counter = "corpus_events_total";
    public static readonly string[] Parts = ["dev", "holdout"];

    public static IReadOnlyList<CorpusSeries> Generate(string part) =>
        Generate(part, part switch { "dev" => 1201, "holdout" => 7919, _ => throw new ArgumentException($"unknown corpus part '{part}' (dev, holdout)", nameof(part)) });

    /// <summary>A further part from another seed, named <paramref name="part"/> in its instance ids: what the defaults are tuned on besides the development part.</summary>
    public static IReadOnlyList<CorpusSeries> Generate(string part, int seed)
    {
        var list = new List<CorpusSeries>();
        for (var copy = 0; copy < 2; copy++)
            foreach (var shape in Shapes)
            {
                var rng = new Random(seed + 97 * list.Count);
                list.Add(shape.Make(new Gen(part, copy, rng)));
            }
        return list;
    }

    private sealed record ShapeMaker(string Name, Func<Gen, CorpusSeries> Make);

    /// <summary>Generation context: the clock, noise and the labelled windows of one series.</summary>
    private sealed class Gen(string part, int copy, Random rng)
    {
        public readonly Random Rng = rng;
        public readonly List<LabelWindow> Windows = [];
        public TimeSpan Interval = TimeSpan.FromMinutes(5);
        public int Days = 14;
        public int N => (int)(TimeSpan.FromDays(Days) / Interval);
        public double PerHour => TimeSpan.FromHours(1) / Interval;
        public double Hours(int i) => (Interval * i).TotalHours;

        public double Normal()
        {
            // Box–Muller: two uniforms give one standard normal.
            var u1 = 1 - Rng.NextDouble();
            var u2 = Rng.NextDouble();
            return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }

        public double Uniform(double lo, double hi) => lo + (hi - lo) * Rng.NextDouble();

        /// <summary>An incident start between day 7 (after a week of learning) and a day before the end.</summary>
        public int IncidentAt() => (int)(Uniform(7.2, Days - 1.5) * 24 * PerHour);

        public void Label(int from, TimeSpan window) => Windows.Add(new LabelWindow(AnomalyCorpus.Start + Interval * from, AnomalyCorpus.Start + Interval * from + window));

        /// <summary>Autocorrelated noise (AR(1) plus white), as real gauges have.</summary>
        public Func<double> Ar(double sigma, double phi = 0.6)
        {
            var state = 0.0;
            return () =>
            {
                state = phi * state + Math.Sqrt(1 - phi * phi) * Normal();
                return sigma * (0.7 * state + 0.3 * Normal());
            };
        }

        public CorpusSeries Done(string shape, double[] values, string metric = Gauge, int decimals = 2)
        {
            for (var i = 0; i < values.Length; i++) values[i] = Math.Round(values[i], decimals);
            return new CorpusSeries(shape, $"{part}-{shape}-{copy + 1}", metric, Interval, values, Windows.ToList());
        }

        public static double Daily(double hours, double peakHour = 14) => Math.Cos(2 * Math.PI * (hours - peakHour) / 24);

        /// <summary>A business-hours shape: low at night, a ramp at 07:00–09:00, a plateau, a fall in the evening.</summary>
        public static double BusinessDay(double hours)
        {
            var h = hours % 24;
            return h < 7 ? 0 : h < 9 ? (h - 7) / 2 : h < 18 ? 1 : h < 21 ? 1 - (h - 18) / 3 : 0;
        }

        public static bool Weekend(double hours) => (int)(hours / 24) % 7 >= 5;
    }

    private static readonly TimeSpan Short = TimeSpan.FromHours(1);
    private static readonly TimeSpan Sustained = TimeSpan.FromHours(3);
    private static readonly TimeSpan Slow = TimeSpan.FromHours(8);

    private static readonly ShapeMaker[] Shapes =
    [
        new("level_shift_up", g => Shift(g, "level_shift_up", +1)),
        new("level_shift_down", g => Shift(g, "level_shift_down", -1)),
        new("spike", g => Spike(g, "spike", +1)),
        new("dip", g => Spike(g, "dip", -1)),
        new("variance_change", g =>
        {
            var v = new double[g.N];
            var level = g.Uniform(50, 500);
            var sigma = level * g.Uniform(0.01, 0.04);
            var noise = g.Ar(sigma, 0.3);
            var at = g.IncidentAt();
            var factor = g.Uniform(3.5, 6);
            for (var i = 0; i < v.Length; i++) v[i] = level + noise() * (i >= at ? factor : 1);
            g.Label(at, Sustained);
            return g.Done("variance_change", v);
        }),
        new("trend_break", g =>
        {
            var v = new double[g.N];
            var level = g.Uniform(100, 1000);
            var sigma = level * g.Uniform(0.005, 0.02);
            var noise = g.Ar(sigma);
            var slope = level * g.Uniform(-0.002, 0.004) / g.PerHour; // a slow trend, per sample
            var at = g.IncidentAt();
            var newSlope = slope + sigma * g.Uniform(0.8, 1.6) * (g.Rng.Next(2) == 0 ? 1 : -1); // a break of about a σ per sample
            var x = level;
            for (var i = 0; i < v.Length; i++)
            {
                x += i >= at ? newSlope : slope;
                v[i] = x + noise();
            }
            g.Label(at, Sustained);
            return g.Done("trend_break", v);
        }),
        new("stalled_counter", g =>
        {
            var v = new double[g.N];
            var rate = g.Uniform(20, 400); // events per sample interval
            var at = g.IncidentAt();
            var stallFor = (int)(g.PerHour * g.Uniform(2, 5));
            double total = g.Rng.Next(1_000_000, 50_000_000);
            for (var i = 0; i < v.Length; i++)
            {
                var h = g.Hours(i);
                var r = rate * (1 + 0.5 * Gen.Daily(h));
                if (i < at || i >= at + stallFor) total += Math.Max(0, Math.Round(r + Math.Sqrt(r) * g.Normal()));
                v[i] = total;
            }
            g.Label(at, Sustained);
            return g.Done("stalled_counter", v, Counter, 0);
        }),
        new("frozen_value", g =>
        {
            var v = new double[g.N];
            var level = g.Uniform(10, 90);
            var noise = g.Ar(level * g.Uniform(0.02, 0.06));
            var at = g.IncidentAt();
            var freezeFor = (int)(g.PerHour * g.Uniform(3, 8));
            for (var i = 0; i < v.Length; i++)
                v[i] = i >= at && i < at + freezeFor ? v[at - 1] : level + 5 * Gen.Daily(g.Hours(i)) + noise();
            g.Label(at, Sustained);
            return g.Done("frozen_value", v);
        }),
        new("daily_cycle", g =>
        {
            // A clean daily cycle with an incident that would be normal at another hour: night-time traffic at noon's level.
            var v = new double[g.N];
            var level = g.Uniform(200, 2000);
            var amp = level * g.Uniform(0.3, 0.6);
            var noise = g.Ar(level * g.Uniform(0.01, 0.03));
            var at = g.IncidentAt();
            var lastFor = (int)(g.PerHour * g.Uniform(1, 3));
            var peak = g.Uniform(10, 16);
            var rise = amp * g.Uniform(0.5, 0.9) * (g.Rng.Next(2) == 0 ? 1 : -1);
            for (var i = 0; i < v.Length; i++)
                v[i] = level + amp * Gen.Daily(g.Hours(i), peak) + noise() + (i >= at && i < at + lastFor ? rise : 0);
            g.Label(at, Short);
            return g.Done("daily_cycle", v);
        }),
        new("weekly_cycle", g =>
        {
            // Business hours on weekdays, quiet weekends; the incident is a weekday that stays as quiet as a Sunday.
            g.Days = 28;
            var v = new double[g.N];
            var base_ = g.Uniform(20, 100);
            var busy = base_ * g.Uniform(2, 5);
            var noise = g.Ar(base_ * g.Uniform(0.03, 0.08));
            var incidentDay = (int)(g.Hours(g.IncidentAt()) / 24);
            while (Gen.Weekend(incidentDay * 24.0)) incidentDay++;
            var at = (int)(g.PerHour * (incidentDay * 24 + 9.5));
            var lastFor = (int)(g.PerHour * 4);
            for (var i = 0; i < v.Length; i++)
            {
                var h = g.Hours(i);
                var day = Gen.Weekend(h) || (i >= at && i < at + lastFor) ? 0.1 : 1;
                v[i] = base_ + busy * day * Gen.BusinessDay(h) + noise();
            }
            g.Label(at, Sustained);
            return g.Done("weekly_cycle", v);
        }),
        new("noisy", g =>
        {
            // Heavy-tailed noise (Student t, 3 degrees of freedom): big excursions are normal here; a real shift is 8σ.
            var v = new double[g.N];
            var level = g.Uniform(100, 1000);
            var sigma = level * g.Uniform(0.05, 0.15);
            var at = g.IncidentAt();
            var shift = sigma * g.Uniform(6, 9) * (g.Rng.Next(2) == 0 ? 1 : -1);
            for (var i = 0; i < v.Length; i++)
            {
                var chi = (Math.Pow(g.Normal(), 2) + Math.Pow(g.Normal(), 2) + Math.Pow(g.Normal(), 2)) / 3;
                v[i] = level + sigma * g.Normal() / Math.Sqrt(chi) / Math.Sqrt(3) + (i >= at ? shift : 0);
            }
            g.Label(at, Sustained);
            return g.Done("noisy", v);
        }),
        new("integer_sparse", g =>
        {
            // Rare events (deadlocks, errors): mostly 0, sometimes 1 or 2; the incident is a burst of them.
            var v = new double[g.N];
            var lambda = g.Uniform(0.02, 0.3);
            var at = g.IncidentAt();
            var lastFor = (int)(g.PerHour * g.Uniform(0.5, 2));
            var burst = g.Uniform(4, 10);
            for (var i = 0; i < v.Length; i++) v[i] = Poisson(g.Rng, i >= at && i < at + lastFor ? burst : lambda);
            g.Label(at, Short);
            return g.Done("integer_sparse", v, Gauge, 0);
        }),
        new("slow_drift", g =>
        {
            // Table growth, cache warming: a slow, steady drift of 30–80% over the two weeks is no incident.
            var v = new double[g.N];
            var level = g.Uniform(100, 1000);
            var noise = g.Ar(level * g.Uniform(0.01, 0.03));
            var drift = level * g.Uniform(0.3, 0.8) * (g.Rng.Next(3) == 0 ? -0.5 : 1);
            for (var i = 0; i < v.Length; i++) v[i] = level + drift * i / v.Length + noise();
            return g.Done("slow_drift", v);
        }),
        new("normal_noise", g =>
        {
            var v = new double[g.N];
            var level = g.Uniform(10, 1000);
            var noise = g.Ar(level * g.Uniform(0.01, 0.1), g.Uniform(0, 0.9));
            for (var i = 0; i < v.Length; i++) v[i] = level + noise();
            return g.Done("normal_noise", v);
        }),
        new("normal_seasonal", g =>
        {
            g.Days = 21;
            var v = new double[g.N];
            var level = g.Uniform(100, 1000);
            var amp = level * g.Uniform(0.2, 0.7);
            var noise = g.Ar(level * g.Uniform(0.01, 0.04));
            var peak = g.Uniform(8, 20);
            for (var i = 0; i < v.Length; i++)
            {
                var h = g.Hours(i);
                v[i] = level + amp * (Gen.Weekend(h) ? 0.4 : 1) * Gen.Daily(h, peak) + noise();
            }
            return g.Done("normal_seasonal", v);
        }),
        new("db_connections", g =>
        {
            // pg_connections_used: business-hours cycle, a deploy each weekday at 10:00 (the pool reconnects: a short
            // dip), and the incident: a connection leak that climbs for hours.
            g.Interval = TimeSpan.FromMinutes(1);
            var v = new double[g.N];
            var idle = g.Uniform(10, 30);
            var busy = g.Uniform(60, 150);
            var noise = g.Ar(g.Uniform(1.5, 4), 0.8);
            var at = g.IncidentAt();
            var leakPerHour = busy * g.Uniform(0.25, 0.5);
            for (var i = 0; i < v.Length; i++)
            {
                var h = g.Hours(i);
                var x = idle + busy * (Gen.Weekend(h) ? 0.3 : 1) * Gen.BusinessDay(h) + noise();
                var hod = h % 24;
                if (!Gen.Weekend(h) && hod >= 10 && hod < 10 + 3.0 / 60) x *= 0.5; // deploy: pools reconnect
                if (i >= at) x += leakPerHour * Math.Min(g.Hours(i - at), 6);
                v[i] = Math.Max(0, Math.Round(x));
            }
            g.Label(at, Slow);
            return g.Done("db_connections", v, "pg_connections_used", 0);
        }),
        new("db_replication_lag", g =>
        {
            // pg_replication_replay_lag_seconds: small and jittery, a nightly batch job at 02:00 that lags the standby
            // for half an hour, a weekly maintenance window (Sunday 03:00); the incident: the standby falls behind.
            g.Days = 21;
            var v = new double[g.N];
            var baseLag = g.Uniform(0.05, 0.5);
            var batchLag = g.Uniform(5, 20);
            var at = g.IncidentAt();
            var lastFor = (int)(g.PerHour * g.Uniform(1, 3));
            var grow = g.Uniform(60, 300); // seconds of lag gained per hour
            for (var i = 0; i < v.Length; i++)
            {
                var h = g.Hours(i);
                var hod = h % 24;
                var x = baseLag * Math.Exp(0.5 * g.Normal());
                if (hod >= 2 && hod < 2.5) x += batchLag * Math.Sin(Math.PI * (hod - 2) / 0.5) * (1 + 0.1 * g.Normal());
                if ((int)(h / 24) % 7 == 6 && hod >= 3 && hod < 4) x += batchLag * 0.5 * (1 + 0.1 * g.Normal());
                if (i >= at && i < at + lastFor) x += grow * g.Hours(i - at);
                v[i] = Math.Max(0, x);
            }
            g.Label(at, Short);
            return g.Done("db_replication_lag", v, "pg_replication_replay_lag_seconds", 3);
        }),
        new("db_latency", g =>
        {
            // Mean statement latency in ms: lognormal jitter, busier hours are a little slower; a deploy step that makes
            // every statement slower is the incident.
            var v = new double[g.N];
            var base_ = g.Uniform(2, 20);
            var at = g.IncidentAt();
            var step = g.Uniform(1.6, 2.5);
            for (var i = 0; i < v.Length; i++)
            {
                var h = g.Hours(i);
                v[i] = base_ * (1 + 0.3 * Gen.BusinessDay(h)) * Math.Exp(0.12 * g.Normal()) * (i >= at ? step : 1);
            }
            g.Label(at, Short);
            return g.Done("db_latency", v, "pg_query_mean_latency_ms", 3);
        }),
        new("db_commit_rate", g =>
        {
            // pg_xact_commit_total: a counter whose rate follows the day and the week, with a nightly batch burst; the
            // incident: the application loses half its throughput.
            g.Days = 21;
            var v = new double[g.N];
            var rate = g.Uniform(500, 5000);
            var at = g.IncidentAt();
            var lastFor = (int)(g.PerHour * g.Uniform(1, 4));
            double total = g.Rng.Next(10_000_000, 900_000_000);
            for (var i = 0; i < v.Length; i++)
            {
                var h = g.Hours(i);
                var hod = h % 24;
                var r = rate * (0.3 + (Gen.Weekend(h) ? 0.3 : 1) * Gen.BusinessDay(h)) + (hod >= 1 && hod < 1.5 ? rate * 0.8 : 0);
                r *= 1 + 0.05 * g.Normal();
                if (i >= at && i < at + lastFor) r *= 0.4;
                total += Math.Max(0, Math.Round(r));
                v[i] = total;
            }
            g.Label(at, Short);
            return g.Done("db_commit_rate", v, "pg_xact_commit_total", 0);
        }),
    ];

    private static CorpusSeries Shift(Gen g, string shape, int sign)
    {
        var v = new double[g.N];
        var level = g.Uniform(50, 1000);
        var sigma = level * g.Uniform(0.01, 0.05);
        var noise = g.Ar(sigma, g.Uniform(0.2, 0.8));
        var at = g.IncidentAt();
        var shift = sign * sigma * g.Uniform(4, 10);
        for (var i = 0; i < v.Length; i++) v[i] = level + noise() + (i >= at ? shift : 0);
        g.Label(at, Sustained);
        return g.Done(shape, v);
    }

    private static CorpusSeries Spike(Gen g, string shape, int sign)
    {
        var v = new double[g.N];
        var level = g.Uniform(50, 1000);
        var sigma = level * g.Uniform(0.01, 0.04);
        var noise = g.Ar(sigma, g.Uniform(0.2, 0.7));
        var at = g.IncidentAt();
        var lastFor = g.Rng.Next(1, 4);
        var height = sign * sigma * g.Uniform(8, 20);
        for (var i = 0; i < v.Length; i++) v[i] = level + noise() + (i >= at && i < at + lastFor ? height : 0);
        g.Label(at, Short);
        return g.Done(shape, v);
    }

    private static double Poisson(Random rng, double lambda)
    {
        // Knuth's method: fine for the small rates used here.
        var l = Math.Exp(-lambda);
        var k = 0;
        var p = 1.0;
        do { k++; p *= rng.NextDouble(); } while (p > l);
        return k - 1;
    }

    /// <summary>The series as samples, series after series (each in time order), in the Metric shape.</summary>
    public static IEnumerable<Metric> Samples(IEnumerable<CorpusSeries> series)
    {
        foreach (var s in series)
        {
            var tags = new Dictionary<string, string> { ["environment"] = "production", ["shape"] = s.Shape };
            for (var i = 0; i < s.Values.Length; i++)
                yield return new Metric { Timestamp = s.TimeOf(i), DatabaseType = DatabaseTypes.PostgreSql, InstanceId = s.InstanceId, MetricName = s.MetricName, Value = s.Values[i], Tags = tags };
        }
    }

    /// <summary>Writes a part as gzip-compressed JSON lines (what `gds rules backtest --input` reads) and its labels file.</summary>
    public static void Write(IReadOnlyList<CorpusSeries> series, string samplesPath, string labelsPath)
    {
        using (var file = File.Create(samplesPath))
        using (var gz = new GZipStream(file, CompressionLevel.SmallestSize))
        using (var w = new StreamWriter(gz, new UTF8Encoding(false)) { NewLine = "\n" })
        {
            foreach (var s in series)
            {
                var head = $"{{\"database_type\":\"postgresql\",\"instance_id\":\"{s.InstanceId}\",\"metric_name\":\"{s.MetricName}\",\"tags\":{{\"environment\":\"production\",\"shape\":\"{s.Shape}\"}},\"timestamp\":\"";
                for (var i = 0; i < s.Values.Length; i++)
                    w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{head}{s.TimeOf(i).UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\",\"value\":{s.Values[i]:R}}}"));
            }
        }
        File.WriteAllText(labelsPath, LabelsJson(series));
    }

    /// <summary>The labels file: every series of the part, with its windows (an empty list for a series with no incident).</summary>
    public static string LabelsJson(IEnumerable<CorpusSeries> series)
    {
        var sb = new StringBuilder("{\n");
        var first = true;
        foreach (var s in series)
        {
            if (!first) sb.Append(",\n");
            first = false;
            sb.Append("  ").Append(JsonSerializer.Serialize(s.Key)).Append(": [");
            sb.Append(string.Join(", ", s.Windows.Select(w => string.Create(CultureInfo.InvariantCulture, $"[\"{w.Start.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\", \"{w.End.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\"]"))));
            sb.Append(']');
        }
        return sb.Append("\n}\n").ToString();
    }
}
