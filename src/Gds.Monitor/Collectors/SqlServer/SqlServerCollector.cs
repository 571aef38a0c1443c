using Gds.Monitor.Targets;
using Microsoft.Data.SqlClient;

namespace Gds.Monitor.Collectors.SqlServer;

/// <summary>
/// Scrapes a SQL Server instance with one batch of DMV queries (<see cref="SqlServerQueries.Batch"/>); running the
/// query and mapping its rows are separate so the mapping is tested on recorded DMV rows.
/// </summary>
public sealed class SqlServerCollector(TargetDefinition target) : ICollector
{
    public async Task<IReadOnlyList<Sample>> CollectAsync(CancellationToken cancellationToken)
    {
        ResolvedSecret? secret = null;
        try
        {
            secret = target.Connection.Resolve();
            var builder = new SqlConnectionStringBuilder(secret.Value);
            if (string.IsNullOrEmpty(builder.ApplicationName) || builder.ApplicationName == "Core Microsoft SqlClient Data Provider")
                builder.ApplicationName = "gds-collector";
            var seconds = Math.Max(1, (int)Math.Ceiling(target.Timeout.TotalSeconds));
            builder.ConnectTimeout = Math.Min(builder.ConnectTimeout, seconds);
            await using var connection = new SqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new SqlCommand(SqlServerQueries.Batch, connection) { CommandTimeout = seconds };
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await SqlBatchMapping.MapAsync(reader, SqlServerQueries.All, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw CollectorFailure.From(ex, secret);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
