using System.Diagnostics;
using Gds.Contracts.Serialization;
using Npgsql;
using NpgsqlTypes;
using Polly;

namespace Gds.Warehouse.PostgreSql;

/// <summary>
/// Loads a batch into PostgreSQL: the day partitions it needs, then in one transaction the new dimension rows
/// and a binary COPY of the facts straight into the fact table. The primary key (time, instance, metric, labels:
/// one row per series and timestamp, a series being an instance's metric with its labels) makes the load
/// idempotent: when any row of the COPY is already there (a batch read again after a crash before its offset
/// commit, a sample sent twice) the COPY fails on the key, rolls back to a savepoint and the rows are merged
/// instead (COPY into a session-local stage, INSERT ... ON CONFLICT DO NOTHING), which skips them.
/// A large batch is cut into slices by instance and the slices load in parallel, each over its own session:
/// one PostgreSQL backend is single-threaded, and the slices' keys never collide, so they never wait on each
/// other. A slice that fails fails the batch; the slices that did commit are skipped as duplicates on the retry.
/// </summary>
public sealed class PostgreSqlLoader : IWarehouseLoader
{
    private const string Stage = "pg_temp.gds_stage_sample";
    private const string AppendSavepoint = "append";
    private const string FactColumns = FactCopyEncoder.Columns;

    /// <summary>Below this many rows a batch loads as one slice: a second session would cost more than it saves.</summary>
    private const int MinRowsPerSlice = 20_000;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _retry;
    private readonly HashSet<int> _knownDays = [];
    private readonly NpgsqlConnection?[] _sessions;

    public PostgreSqlLoader(NpgsqlDataSource dataSource, ILogger logger, LoadRetryOptions? retry = null, int parallelism = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        _dataSource = dataSource;
        _logger = logger;
        _retry = LoadRetry.Create(retry ?? new LoadRetryOptions(), IsRetryable, logger, "PostgreSQL");
        _sessions = new NpgsqlConnection?[parallelism];
    }

    public Task<LoadResult> LoadAsync(ImportBatch batch, CancellationToken ct) =>
        _retry.ExecuteAsync(static async (state, token) => await state.Self.LoadOnceAsync(state.Batch, token), (Self: this, Batch: batch), ct).AsTask();

    private async Task<LoadResult> LoadOnceAsync(ImportBatch batch, CancellationToken ct)
    {
        if (batch.Rows.Count == 0 && batch.Instances.Count == 0 && batch.Metrics.Count == 0 && batch.LabelSets.Count == 0) return default;
        try
        {
            await EnsurePartitionsAsync(await SessionAsync(0, ct), batch.DateKeys, ct);
            var started = Stopwatch.GetTimestamp();
            var rows = FactOrder.SortedDistinct(batch.Rows, out _);
            var slices = Slice(rows, Math.Clamp(rows.Length / MinRowsPerSlice, 1, _sessions.Length));
            var sorted = Stopwatch.GetElapsedTime(started);
            // The dimension rows go with the first slice, in its transaction.
            var loads = slices.Select((slice, i) => LoadSliceAsync(i, slice, i == 0 ? batch : null, ct)).ToList();
            var inserted = (await Task.WhenAll(loads)).Sum();
            _logger.LogDebug("Loaded {Rows} rows in {Slices} slices in {Ms:0} ms (sorting {SortMs:0} ms)",
                batch.Rows.Count, slices.Length, Stopwatch.GetElapsedTime(started).TotalMilliseconds, sorted.TotalMilliseconds);
            return new LoadResult(inserted, batch.Rows.Count - inserted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The sessions are in an unknown state (half a COPY, an aborted transaction): start the next try afresh.
            await DropSessionsAsync();
            if (ex is PostgresException { SqlState: PostgresErrorCodes.CheckViolation }) _knownDays.Clear();
            throw;
        }
    }

    private async Task<long> LoadSliceAsync(int session, SampleRow[] rows, ImportBatch? dimensions, CancellationToken ct)
    {
        var conn = await SessionAsync(session, ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (dimensions is not null)
        {
            await UpsertInstancesAsync(conn, tx, dimensions.Instances, ct);
            await UpsertMetricsAsync(conn, tx, dimensions.Metrics, ct);
            await InsertLabelSetsAsync(conn, tx, dimensions.LabelSets, ct);
        }
        var inserted = rows.Length > 0 ? await AppendAsync(conn, tx, rows, ct) : 0;
        await tx.CommitAsync(ct);
        return inserted;
    }

    /// <summary>
    /// Appends the rows with a COPY straight into the fact table: a third of the work of staging them and merging
    /// with INSERT ... ON CONFLICT, which probes the key and inserts row by row. Falls back to that merge only when
    /// some row is already there, which the primary key reports by failing the COPY.
    /// </summary>
    private async Task<long> AppendAsync(NpgsqlConnection conn, NpgsqlTransaction tx, SampleRow[] rows, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await tx.SaveAsync(AppendSavepoint, ct);
        try
        {
            await CopyAsync(conn, PostgreSqlSchema.FactTable, rows, ct);
            _logger.LogDebug("Appended {Rows} rows by COPY in {Ms:0} ms", rows.Length, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return rows.Length;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await tx.RollbackAsync(AppendSavepoint, ct);
            var failedAfter = Stopwatch.GetElapsedTime(started);
            var inserted = await MergeAsync(conn, tx, rows, ct);
            _logger.LogDebug("{Rows} rows, some already loaded: COPY failed after {CopyMs:0} ms, merge inserted {Inserted} in {MergeMs:0} ms",
                rows.Length, failedAfter.TotalMilliseconds, inserted, (Stopwatch.GetElapsedTime(started) - failedAfter).TotalMilliseconds);
            return inserted;
        }
    }

    private static async Task<long> MergeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, SampleRow[] rows, CancellationToken ct)
    {
        await CopyAsync(conn, Stage, rows, ct);
        await using var merge = new NpgsqlCommand(
            $"""
             INSERT INTO {PostgreSqlSchema.FactTable} ({FactColumns})
             SELECT {FactColumns} FROM {Stage}
             ON CONFLICT (sample_time, instance_key, metric_key, labels_key) DO NOTHING
             """, conn, tx);
        merge.CommandTimeout = 0;
        return await merge.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Deals rows (in key order) into slices by instance, each slice still in key order.</summary>
    private static SampleRow[][] Slice(SampleRow[] ordered, int count)
    {
        if (count == 1) return [ordered];
        var slices = Enumerable.Range(0, count).Select(_ => new List<SampleRow>(ordered.Length / count + 1)).ToArray();
        foreach (var row in ordered) slices[(int)((ulong)row.InstanceKey % (ulong)count)].Add(row);
        return slices.Select(l => l.ToArray()).ToArray();
    }

    private async Task<NpgsqlConnection> SessionAsync(int index, CancellationToken ct)
    {
        if (_sessions[index] is { State: System.Data.ConnectionState.Open } open) return open;
        var conn = await _dataSource.OpenConnectionAsync(ct);
        // A temporary table: no WAL, private to this session, emptied by every commit. The session is kept for
        // the loader's lifetime because returning it to the pool would discard the table.
        // temp_buffers must be raised before the session's first temporary table: the default 8 MB is less
        // than one batch, and a stage that spills to disk files costs a third of the load.
        await using (var create = new NpgsqlCommand(
                         """
                         SET temp_buffers = '256MB';
                         CREATE TEMP TABLE IF NOT EXISTS gds_stage_sample (
                             sample_time timestamptz NOT NULL, date_key integer NOT NULL,
                             instance_key bigint NOT NULL, metric_key bigint NOT NULL, labels_key bigint NOT NULL,
                             value double precision NOT NULL, collection_duration_ms double precision, correlation_id text
                         ) ON COMMIT DELETE ROWS
                         """, conn))
        {
            await create.ExecuteNonQueryAsync(ct);
        }
        _sessions[index] = conn;
        return conn;
    }

    private async Task DropSessionsAsync()
    {
        for (var i = 0; i < _sessions.Length; i++)
        {
            if (_sessions[i] is not { } conn) continue;
            _sessions[i] = null;
            try { await conn.DisposeAsync(); }
            catch (Exception ex) { _logger.LogDebug(ex, "closing a broken PostgreSQL session failed"); }
        }
    }

    private async Task EnsurePartitionsAsync(NpgsqlConnection conn, IReadOnlySet<int> dateKeys, CancellationToken ct)
    {
        var missing = dateKeys.Where(d => !_knownDays.Contains(d)).Order().ToArray();
        if (missing.Length == 0) return;
        // Outside the load's transaction: creating a partition locks the parent table, so keep that short.
        await using var cmd = new NpgsqlCommand($"SELECT {PostgreSqlSchema.Name}.ensure_day_partition(d) FROM unnest(@days) AS d", conn);
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly[]>("days", missing.Select(DateKeys.ToDate).ToArray()));
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            var i = 0;
            while (await reader.ReadAsync(ct))
            {
                if (reader.GetBoolean(0)) _logger.LogInformation("Created partition {Partition}", PostgreSqlSchema.PartitionPrefix + missing[i]);
                i++;
            }
        }
        _knownDays.UnionWith(missing);
    }

    private static async Task UpsertInstancesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<InstanceDimension> instances, CancellationToken ct)
    {
        if (instances.Count == 0) return;
        // One row per key (the last seen wins) and in key order, so two importers never deadlock on the same rows.
        var rows = instances.GroupBy(i => i.Key).Select(g => g.Last()).OrderBy(i => i.Key).ToList();
        await using var cmd = new NpgsqlCommand(
            $"""
             INSERT INTO {PostgreSqlSchema.Name}.dim_instance AS d (instance_key, instance_id, database_type, environment, region, tags)
             SELECT k, id, t, e, r, tg::jsonb FROM unnest(@k, @id, @t, @e, @r, @tg) AS u(k, id, t, e, r, tg)
             ON CONFLICT (instance_key) DO UPDATE
                 SET region = EXCLUDED.region, tags = EXCLUDED.tags, updated_at = now()
                 WHERE (d.region, d.tags) IS DISTINCT FROM (EXCLUDED.region, EXCLUDED.tags)
             """, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<long[]>("k", rows.Select(r => r.Key).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("id", rows.Select(r => r.InstanceId).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("t", rows.Select(r => r.DatabaseType).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("e", rows.Select(r => r.Environment).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter<string?[]>("r", rows.Select(r => r.Region).ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("tg", rows.Select(r => GdsJson.SerializeToString(new Dictionary<string, string>(r.Tags))).ToArray()));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The unit and kind follow the metric catalogue (type 1): a row written before the catalogue declared the
    /// metric, with a unit guessed from its name, is corrected by the first batch that brings the metric again.
    /// </summary>
    private static async Task UpsertMetricsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<MetricDimension> metrics, CancellationToken ct)
    {
        if (metrics.Count == 0) return;
        var rows = metrics.DistinctBy(m => m.Key).OrderBy(m => m.Key).ToList();
        await using var cmd = new NpgsqlCommand(
            $"""
             INSERT INTO {PostgreSqlSchema.Name}.dim_metric AS d (metric_key, metric_name, unit, kind)
             SELECT * FROM unnest(@k, @n, @u, @kind)
             ON CONFLICT (metric_key) DO UPDATE
                 SET unit = EXCLUDED.unit, kind = EXCLUDED.kind
                 WHERE (d.unit, d.kind) IS DISTINCT FROM (EXCLUDED.unit, EXCLUDED.kind)
             """, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<long[]>("k", rows.Select(r => r.Key).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("n", rows.Select(r => r.Name).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("u", rows.Select(r => r.Unit).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("kind", rows.Select(r => r.KindText).ToArray()));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A label set's row never changes: its key is derived from its text.</summary>
    private static async Task InsertLabelSetsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<SeriesLabelsDimension> labelSets, CancellationToken ct)
    {
        if (labelSets.Count == 0) return;
        var rows = labelSets.DistinctBy(l => l.Key).OrderBy(l => l.Key).ToList();
        await using var cmd = new NpgsqlCommand(
            $"""
             INSERT INTO {PostgreSqlSchema.Name}.dim_series_labels (labels_key, labels, labels_text)
             SELECT k, l::jsonb, t FROM unnest(@k, @l, @t) AS u(k, l, t)
             ON CONFLICT (labels_key) DO NOTHING
             """, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<long[]>("k", rows.Select(r => r.Key).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("l", rows.Select(r => GdsJson.SerializeToString(new Dictionary<string, string>(r.Labels))).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("t", rows.Select(r => r.Text).ToArray()));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task CopyAsync(NpgsqlConnection conn, string table, SampleRow[] rows, CancellationToken ct)
    {
        await using var copy = await conn.BeginRawBinaryCopyAsync($"COPY {table} ({FactColumns}) FROM STDIN (FORMAT BINARY)", ct);
        await FactCopyEncoder.WriteAsync(copy, rows, ct);
    }

    private static bool IsRetryable(Exception ex) => ex switch
    {
        PostgresException p => p.IsTransient || p.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
            or PostgresErrorCodes.CheckViolation, // a partition dropped under us: the retry recreates it
        NpgsqlException n => n.IsTransient,
        TimeoutException => true,
        _ => false,
    };

    public async ValueTask DisposeAsync() => await DropSessionsAsync();
}
