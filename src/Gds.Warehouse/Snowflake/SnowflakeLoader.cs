using Gds.Snowflake;
using System.Globalization;
using System.Text;
using Gds.Contracts.Serialization;
using Polly;

namespace Gds.Warehouse.Snowflake;

/// <summary>
/// Loads a batch into Snowflake: MERGE the new dimension rows, INSERT the facts into the transient stage with
/// array bindings (one request per chunk), MERGE the stage's rows of this batch into the fact table where the
/// key (instance, metric, labels, time: one row per series and timestamp) is not there yet, then clear the batch from the stage. The MERGE makes the load
/// idempotent, like ON CONFLICT DO NOTHING in PostgreSQL.
/// </summary>
public sealed class SnowflakeLoader : IWarehouseLoader
{
    private const int DimensionRowsPerStatement = 500;
    private readonly SnowflakeStatementClient _sql;
    private readonly int _rowsPerInsert;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _retry;
    private readonly HashSet<int> _knownDays = [];

    public SnowflakeLoader(SnowflakeStatementClient sql, int rowsPerInsert, ILogger logger, LoadRetryOptions? retry = null)
    {
        _sql = sql;
        _rowsPerInsert = rowsPerInsert;
        _logger = logger;
        _retry = LoadRetry.Create(retry ?? new LoadRetryOptions(),
            ex => ex is SnowflakeStatementException { IsTransient: true } or HttpRequestException or TimeoutException, logger, "Snowflake");
    }

    public Task<LoadResult> LoadAsync(ImportBatch batch, CancellationToken ct) =>
        _retry.ExecuteAsync(static async (s, token) => await s.Self.LoadOnceAsync(s.Batch, token), (Self: this, Batch: batch), ct).AsTask();

    private async Task<LoadResult> LoadOnceAsync(ImportBatch batch, CancellationToken ct)
    {
        await MergeDatesAsync(batch.DateKeys, ct);
        await MergeInstancesAsync(batch.Instances, ct);
        await MergeMetricsAsync(batch.Metrics, ct);
        await MergeLabelSetsAsync(batch.LabelSets, ct);
        if (batch.Rows.Count == 0) return default;
        // Unique per attempt: a retried attempt never merges rows a failed attempt left in the stage twice over.
        var batchId = $"{batch.Sequence}-{Guid.NewGuid():N}";
        for (var start = 0; start < batch.Rows.Count; start += _rowsPerInsert)
            await InsertStageAsync(batchId, batch.Rows, start, Math.Min(_rowsPerInsert, batch.Rows.Count - start), ct);
        var merge = await _sql.ExecuteAsync(
            """
            MERGE INTO FACT_SAMPLE f
            USING (
                SELECT TO_TIMESTAMP_TZ(SAMPLE_TIME) AS SAMPLE_TIME, DATE_KEY, INSTANCE_KEY, METRIC_KEY, LABELS_KEY, VALUE, COLLECTION_DURATION_MS, CORRELATION_ID
                FROM STAGE_SAMPLE WHERE BATCH_ID = ?
                QUALIFY ROW_NUMBER() OVER (PARTITION BY INSTANCE_KEY, METRIC_KEY, LABELS_KEY, TO_TIMESTAMP_TZ(SAMPLE_TIME) ORDER BY SAMPLE_TIME) = 1
            ) s
            ON f.DATE_KEY = s.DATE_KEY AND f.INSTANCE_KEY = s.INSTANCE_KEY AND f.METRIC_KEY = s.METRIC_KEY AND f.LABELS_KEY = s.LABELS_KEY
               AND f.SAMPLE_TIME = s.SAMPLE_TIME
            WHEN NOT MATCHED THEN INSERT (SAMPLE_TIME, DATE_KEY, INSTANCE_KEY, METRIC_KEY, LABELS_KEY, VALUE, COLLECTION_DURATION_MS, CORRELATION_ID)
                VALUES (s.SAMPLE_TIME, s.DATE_KEY, s.INSTANCE_KEY, s.METRIC_KEY, s.LABELS_KEY, s.VALUE, s.COLLECTION_DURATION_MS, s.CORRELATION_ID)
            """,
            new Dictionary<string, Binding> { ["1"] = Binding.Text(batchId) }, ct);
        await _sql.ExecuteAsync("DELETE FROM STAGE_SAMPLE WHERE BATCH_ID = ?", new Dictionary<string, Binding> { ["1"] = Binding.Text(batchId) }, ct);
        var inserted = merge.Stats?.NumRowsInserted ?? 0;
        return new LoadResult(inserted, batch.Rows.Count - inserted);
    }

    private Task InsertStageAsync(string batchId, IReadOnlyList<SampleRow> rows, int start, int count, CancellationToken ct)
    {
        var ids = new string?[count];
        var times = new string?[count];
        var days = new string?[count];
        var instances = new string?[count];
        var metrics = new string?[count];
        var labels = new string?[count];
        var values = new string?[count];
        var durations = new string?[count];
        var correlations = new string?[count];
        for (var i = 0; i < count; i++)
        {
            var r = rows[start + i];
            ids[i] = batchId;
            times[i] = r.Time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture);
            days[i] = r.DateKey.ToString(CultureInfo.InvariantCulture);
            instances[i] = r.InstanceKey.ToString(CultureInfo.InvariantCulture);
            metrics[i] = r.MetricKey.ToString(CultureInfo.InvariantCulture);
            labels[i] = r.LabelsKey.ToString(CultureInfo.InvariantCulture);
            values[i] = r.Value.ToString("R", CultureInfo.InvariantCulture);
            durations[i] = r.CollectionDurationMs?.ToString("R", CultureInfo.InvariantCulture);
            correlations[i] = r.CorrelationId;
        }
        return _sql.ExecuteAsync(
            "INSERT INTO STAGE_SAMPLE (BATCH_ID, SAMPLE_TIME, DATE_KEY, INSTANCE_KEY, METRIC_KEY, VALUE, COLLECTION_DURATION_MS, CORRELATION_ID, LABELS_KEY) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            new Dictionary<string, Binding>
            {
                ["1"] = Binding.Array("TEXT", ids),
                ["2"] = Binding.Array("TEXT", times),
                ["3"] = Binding.Array("FIXED", days),
                ["4"] = Binding.Array("FIXED", instances),
                ["5"] = Binding.Array("FIXED", metrics),
                ["6"] = Binding.Array("REAL", values),
                ["7"] = Binding.Array("REAL", durations),
                ["8"] = Binding.Array("TEXT", correlations),
                ["9"] = Binding.Array("FIXED", labels),
            }, ct);
    }

    private async Task MergeDatesAsync(IReadOnlySet<int> dateKeys, CancellationToken ct)
    {
        var missing = dateKeys.Where(d => !_knownDays.Contains(d)).Order().ToList();
        if (missing.Count == 0) return;
        var bindings = new Dictionary<string, Binding>();
        foreach (var d in missing) bindings[(bindings.Count + 1).ToString(CultureInfo.InvariantCulture)] = Binding.Fixed(d);
        await _sql.ExecuteAsync(
            $"""
             MERGE INTO DIM_DATE d
             USING (SELECT column1 AS DATE_KEY, TO_DATE(TO_VARCHAR(column1), 'YYYYMMDD') AS DAY FROM VALUES {Placeholders(missing.Count, 1)}) s
             ON d.DATE_KEY = s.DATE_KEY
             WHEN NOT MATCHED THEN INSERT (DATE_KEY, DAY, YEAR, QUARTER, MONTH, DAY_OF_MONTH, DAY_OF_WEEK, ISO_WEEK, IS_WEEKEND)
                 VALUES (s.DATE_KEY, s.DAY, YEAR(s.DAY), QUARTER(s.DAY), MONTH(s.DAY), DAYOFMONTH(s.DAY), DAYOFWEEKISO(s.DAY), WEEKISO(s.DAY), DAYOFWEEKISO(s.DAY) >= 6)
             """, bindings, ct);
        _knownDays.UnionWith(missing);
    }

    private async Task MergeInstancesAsync(IReadOnlyList<InstanceDimension> instances, CancellationToken ct)
    {
        var rows = instances.GroupBy(i => i.Key).Select(g => g.Last()).OrderBy(i => i.Key).ToList();
        foreach (var chunk in rows.Chunk(DimensionRowsPerStatement))
        {
            var bindings = new Dictionary<string, Binding>();
            void Add(Binding b) => bindings[(bindings.Count + 1).ToString(CultureInfo.InvariantCulture)] = b;
            foreach (var i in chunk)
            {
                Add(Binding.Fixed(i.Key));
                Add(Binding.Text(i.InstanceId));
                Add(Binding.Text(i.DatabaseType));
                Add(Binding.Text(i.Environment));
                Add(Binding.Text(i.Region));
                Add(Binding.Text(GdsJson.SerializeToString(new Dictionary<string, string>(i.Tags))));
            }
            await _sql.ExecuteAsync(
                $"""
                 MERGE INTO DIM_INSTANCE d
                 USING (SELECT column1 AS INSTANCE_KEY, column2 AS INSTANCE_ID, column3 AS DATABASE_TYPE, column4 AS ENVIRONMENT,
                               column5 AS REGION, PARSE_JSON(column6) AS TAGS FROM VALUES {Placeholders(chunk.Length, 6)}) s
                 ON d.INSTANCE_KEY = s.INSTANCE_KEY
                 WHEN MATCHED AND (NOT EQUAL_NULL(d.REGION, s.REGION) OR NOT EQUAL_NULL(d.TAGS, s.TAGS))
                     THEN UPDATE SET REGION = s.REGION, TAGS = s.TAGS, UPDATED_AT = CURRENT_TIMESTAMP()
                 WHEN NOT MATCHED THEN INSERT (INSTANCE_KEY, INSTANCE_ID, DATABASE_TYPE, ENVIRONMENT, REGION, TAGS)
                     VALUES (s.INSTANCE_KEY, s.INSTANCE_ID, s.DATABASE_TYPE, s.ENVIRONMENT, s.REGION, s.TAGS)
                 """, bindings, ct);
        }
    }

    private async Task MergeMetricsAsync(IReadOnlyList<MetricDimension> metrics, CancellationToken ct)
    {
        var rows = metrics.DistinctBy(m => m.Key).OrderBy(m => m.Key).ToList();
        foreach (var chunk in rows.Chunk(DimensionRowsPerStatement))
        {
            var bindings = new Dictionary<string, Binding>();
            void Add(Binding b) => bindings[(bindings.Count + 1).ToString(CultureInfo.InvariantCulture)] = b;
            foreach (var m in chunk)
            {
                Add(Binding.Fixed(m.Key));
                Add(Binding.Text(m.Name));
                Add(Binding.Text(m.Unit));
                Add(Binding.Text(m.KindText));
            }
            await _sql.ExecuteAsync(
                $"""
                 MERGE INTO DIM_METRIC d
                 USING (SELECT column1 AS METRIC_KEY, column2 AS METRIC_NAME, column3 AS UNIT, column4 AS KIND FROM VALUES {Placeholders(chunk.Length, 4)}) s
                 ON d.METRIC_KEY = s.METRIC_KEY
                 WHEN MATCHED AND (d.UNIT <> s.UNIT OR d.KIND <> s.KIND) THEN UPDATE SET UNIT = s.UNIT, KIND = s.KIND
                 WHEN NOT MATCHED THEN INSERT (METRIC_KEY, METRIC_NAME, UNIT, KIND) VALUES (s.METRIC_KEY, s.METRIC_NAME, s.UNIT, s.KIND)
                 """, bindings, ct);
        }
    }

    private async Task MergeLabelSetsAsync(IReadOnlyList<SeriesLabelsDimension> labelSets, CancellationToken ct)
    {
        var rows = labelSets.DistinctBy(l => l.Key).OrderBy(l => l.Key).ToList();
        foreach (var chunk in rows.Chunk(DimensionRowsPerStatement))
        {
            var bindings = new Dictionary<string, Binding>();
            void Add(Binding b) => bindings[(bindings.Count + 1).ToString(CultureInfo.InvariantCulture)] = b;
            foreach (var l in chunk)
            {
                Add(Binding.Fixed(l.Key));
                Add(Binding.Text(GdsJson.SerializeToString(new Dictionary<string, string>(l.Labels))));
                Add(Binding.Text(l.Text));
            }
            await _sql.ExecuteAsync(
                $"""
                 MERGE INTO DIM_SERIES_LABELS d
                 USING (SELECT column1 AS LABELS_KEY, PARSE_JSON(column2) AS LABELS, column3 AS LABELS_TEXT FROM VALUES {Placeholders(chunk.Length, 3)}) s
                 ON d.LABELS_KEY = s.LABELS_KEY
                 WHEN NOT MATCHED THEN INSERT (LABELS_KEY, LABELS, LABELS_TEXT) VALUES (s.LABELS_KEY, s.LABELS, s.LABELS_TEXT)
                 """, bindings, ct);
        }
    }

    /// <summary>"(?, ?), (?, ?)" for <paramref name="rows"/> rows of <paramref name="columns"/> columns.</summary>
    private static string Placeholders(int rows, int columns)
    {
        var row = "(" + string.Join(", ", Enumerable.Repeat("?", columns)) + ")";
        var sb = new StringBuilder();
        for (var i = 0; i < rows; i++) sb.Append(i == 0 ? "" : ", ").Append(row);
        return sb.ToString();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
