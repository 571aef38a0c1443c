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

    public async Task<IReadOnlyList<Sample>> CollectAsync(CancellationToken cancellationToken)
    {
        ResolvedSecret? secret = null;
        try
        {
            secret = target.Connection.Resolve();
            await using var connection = new NpgsqlConnection(ConnectionString(secret.Value));
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var queries = PostgreSqlQueries.For(connection.PostgreSqlVersion);
            await using var batch = new NpgsqlBatch(connection);
            foreach (var q in queries) batch.BatchCommands.Add(new NpgsqlBatchCommand(q.Text));
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await SqlBatchMapping.MapAsync(reader, queries, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw CollectorFailure.From(ex, secret);
        }
    }

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
