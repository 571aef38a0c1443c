using System.Globalization;
using Gds.Monitor.Collectors;
using Gds.Monitor.Collectors.Snowflake;

namespace Gds.Cli.Dev.Fleet.Snowflake;

/// <summary>
/// A Snowflake account answering the ACCOUNT_USAGE statements of <see cref="SnowflakeQueries"/> as the SQL API does:
/// every cell a string. The figures are trailing-hour and trailing-day aggregates, so they move slowly; the
/// account-wide ones are sums over the warehouses plus what runs without one (metadata queries, the cloud services).
/// </summary>
internal sealed class SimulatedSnowflakeAccount : SimulatedServer
{
    private readonly List<Warehouse> _warehouses;
    private List<Warehouse> _current = [];
    private readonly double _phase;
    private (string Warehouse, double AvgQueuedSeconds)? _queueing;

    public SimulatedSnowflakeAccount(string id, string environment, string region, IReadOnlyList<string> warehouses, int seed)
        : base(Define(id, "snowflake", environment, $"account={id};user=GDS_MONITOR;private_key_file=/run/secrets/snowflake_rsa_key.p8;role=GDS_MONITOR",
            ("region", region)), seed)
    {
        _phase = Random.NextDouble() * Math.PI * 2;
        _warehouses = warehouses.Select(Warehouse.Named).ToList();
    }

    /// <summary>Queries on <paramref name="warehouse"/> have waited this long on average, over the last hour, for the warehouse to be free.</summary>
    public void Queue(string warehouse, double avgQueuedSeconds) => _queueing = (warehouse, avgQueuedSeconds);

    public override void Calm() => _queueing = null;

    public override void Advance(FleetMoment now)
    {
        _current = _warehouses.Select(w =>
        {
            var drift = 1 + Wobble.Swing(now.SinceStart, 0.05, 900, _phase + w.Running);
            return w with
            {
                Running = w.Running * drift,
                QueriesLastHour = Math.Round(w.QueriesLastHour * drift),
                AvgExecutionSeconds = w.AvgExecutionSeconds * drift,
                AvgQueuedSeconds = _queueing is { } q && q.Warehouse == w.Name ? q.AvgQueuedSeconds : w.AvgQueuedSeconds * drift,
            };
        }).ToList();
    }

    protected override SampleSet Answer(FleetMoment now)
    {
        var samples = new SampleSet();
        foreach (var query in SnowflakeQueries.All) query.Map(Rows(query.Name), samples);
        return samples;
    }

    /// <summary>Seven statements side by side over the SQL API, each queued on a warehouse for a moment.</summary>
    protected override TimeSpan ScrapeTime() => TimeSpan.FromMilliseconds(Random.Around(2_300, 900));

    private static string Cell(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private IReadOnlyList<ResultRow> Rows(string query) => query switch
    {
        "warehouse_load" => Table(["WAREHOUSE_NAME", "AVG_RUNNING", "AVG_QUEUED_LOAD", "AVG_QUEUED_PROVISIONING", "AVG_BLOCKED"],
            _current.Select(w => new[] { w.Name, Cell(w.Running), Cell(w.QueuedLoad), Cell(0.004), "0" })),
        "warehouse_metering" => Table(["WAREHOUSE_NAME", "CREDITS_USED"], _current.Select(w => new[] { w.Name, Cell(w.CreditsPerDay) })),
        "logins" => Table(["FAILED_LOGINS", "LOGINS"], [[Cell(Math.Round(Random.Around(4, 2))), Cell(1_180 + Math.Round(Random.Around(0, 20)))]]),
        "tasks" => Table(["FAILED_TASKS", "TASK_RUNS"], [["0", "60"]]),
        "queries" => Table(["FAILED_QUERIES", "LONG_RUNNING_QUERIES", "QUERIES", "MAX_ELAPSED_MS"],
            [[Cell(_current.Sum(w => w.FailedLastHour) + 3), "0", Cell(_current.Sum(w => w.QueriesLastHour) + 1_900),
              Cell(_current.Max(w => Math.Max(w.MaxExecutionSeconds, w.MaxQueuedSeconds) * 1_040))]]),
        "warehouse_queries" => Table(["WAREHOUSE_NAME", "QUERIES", "FAILED_QUERIES", "AVG_EXECUTION_MS", "MAX_EXECUTION_MS", "AVG_QUEUED_OVERLOAD_MS", "MAX_QUEUED_OVERLOAD_MS"],
            _current.Select(w => new[] { w.Name, Cell(w.QueriesLastHour), Cell(w.FailedLastHour), Cell(w.AvgExecutionSeconds * 1_000), Cell(w.MaxExecutionSeconds * 1_000),
                Cell(w.AvgQueuedSeconds * 1_000), Cell(w.MaxQueuedSeconds * 1_000) })),
        "storage" => Table(["STORAGE_BYTES", "STAGE_BYTES", "FAILSAFE_BYTES"], [["84213377269760", "1319413953331", "9345848836096"]]),
        _ => throw new InvalidOperationException($"the simulated Snowflake account has no answer to the collector's statement '{query}'"),
    };

    private static IReadOnlyList<ResultRow> Table(string[] columns, IEnumerable<string[]> rows)
    {
        var set = new RowSet(columns);
        foreach (var r in rows) set.Add(r);
        return set.Rows;
    }

    /// <summary>One warehouse's trailing figures.</summary>
    private sealed record Warehouse(string Name, double Running, double QueriesLastHour, double FailedLastHour, double AvgExecutionSeconds,
        double MaxExecutionSeconds, double AvgQueuedSeconds, double CreditsPerDay)
    {
        /// <summary>Queued-by-load queries follow the mean queueing time (Little's law over the hour).</summary>
        public double QueuedLoad => AvgQueuedSeconds * QueriesLastHour / 3_600;

        /// <summary>The longest wait lies well above the mean: queueing comes in bursts.</summary>
        public double MaxQueuedSeconds => AvgQueuedSeconds * 4.2;

        public static Warehouse Named(string name) => name switch
        {
            "ETL_WH" or "LOAD_WH" or "TRANSFORM_WH" => new(name, 3.2, 1_450, 4, 44, 1_380, 1.8, 96),
            "BI_WH" or "REPORTING_WH" => new(name, 1.4, 5_200, 6, 3.1, 410, 0.4, 48),
            _ => new(name, 0.35, 640, 2, 12, 900, 0.2, 12),
        };
    }
}
