using System.Globalization;
using Gds.Monitor.Targets;
using Npgsql;

namespace Gds.Monitor.Collectors.PostgreSql;

/// <summary>
/// Scrapes a PostgreSQL server (12+) with one batch of statements per scrape over a pooled Npgsql connection. The
/// pool is keyed by the resolved connection string, so targets with the same string share it and a rotated secret
/// simply starts a new pool.
/// </summary>
public sealed class PostgreSqlCollector(TargetDefinition target) : ICollector
{
    private string? _lastResolved;
    private string? _lastBuilt;
    private StatementsSource? _statements;
    private bool _statementsProbed;

    public async Task<IReadOnlyList<Sample>> CollectAsync(CancellationToken cancellationToken)
    {
        ResolvedSecret? secret = null;
        try
        {
            secret = target.Connection.Resolve();
            await using var connection = new NpgsqlConnection(ConnectionString(secret.Value));
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (!_statementsProbed) await ProbeStatementsAsync(connection, cancellationToken).ConfigureAwait(false);
            try
            {
                return await ScrapeAsync(connection, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (_statements is not null && StatementsGone(ex))
            {
                // The extension was dropped (or unloaded) since the last probe: this scrape goes on without it.
                _statements = null;
                return await ScrapeAsync(connection, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw CollectorFailure.From(ex, secret);
        }
    }

    /// <summary>
    /// One batch: the metric queries, then the pg_stat_statements probe whose answer the next scrape follows, so
    /// only a collector's first scrape pays a second round trip for it.
    /// </summary>
    private async Task<IReadOnlyList<Sample>> ScrapeAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        StatementsSource? probed = null;
        var queries = PostgreSqlQueries.For(connection.PostgreSqlVersion, _statements)
            .Append(new SqlQuery("statements_probe", PostgreSqlQueries.StatementsProbe, (rows, _) => probed = StatementsSource.From(rows)))
            .ToList();
        await using var batch = new NpgsqlBatch(connection);
        foreach (var q in queries) batch.BatchCommands.Add(new NpgsqlBatchCommand(q.Text));
        await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var samples = await SqlBatchMapping.MapAsync(reader, queries, ct).ConfigureAwait(false);
        _statements = probed;
        return samples;
    }

    private async Task ProbeStatementsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(PostgreSqlQueries.StatementsProbe, connection);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        _statements = StatementsSource.From(await ResultRow.ReadAllAsync(reader, ct).ConfigureAwait(false));
        _statementsProbed = true;
    }

    /// <summary>undefined_table / undefined_function (dropped), object_not_in_prerequisite_state (no longer preloaded).</summary>
    private static bool StatementsGone(PostgresException ex) => ex.SqlState is "42P01" or "42883" or "55000";

    /// <summary>
    /// Adds what the user did not set: an application name that shows the collector in pg_stat_activity, and connect
    /// and command timeouts no longer than the target's timeout.
    /// </summary>
    private string ConnectionString(string resolved)
    {
        if (resolved == _lastResolved) return _lastBuilt!;
        var b = new NpgsqlConnectionStringBuilder(resolved);
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = resolved };
        bool Given(params string[] keys) => keys.Any(given.ContainsKey);
        var seconds = Math.Max(1, (int)Math.Ceiling(target.Timeout.TotalSeconds));
        if (!Given("Application Name", "ApplicationName")) b.ApplicationName = "gds-collector";
        if (!Given("Timeout")) b.Timeout = seconds;
        if (!Given("Command Timeout", "CommandTimeout")) b.CommandTimeout = seconds;
        _lastBuilt = b.ConnectionString;
        _lastResolved = resolved;
        return _lastBuilt;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"postgresql collector for {target.Id}");
}
