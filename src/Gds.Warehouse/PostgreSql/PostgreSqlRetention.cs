using System.Globalization;
using Npgsql;

namespace Gds.Warehouse.PostgreSql;

/// <summary>
/// Retention by partition: a day's partition is dropped once its whole day is older than the horizon. DROP
/// TABLE frees the space at once and writes no per-row WAL, unlike DELETE, and leaves no bloat to vacuum.
/// </summary>
public sealed class PostgreSqlRetention(NpgsqlDataSource dataSource, ILogger logger) : IRetentionEnforcer
{
    public async Task<IReadOnlyList<DateOnly>> DropOlderThanAsync(DateTimeOffset horizon, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var days = new List<(string Name, DateOnly Day)>();
        await using (var list = new NpgsqlCommand(
                         $"""
                          SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                          WHERE i.inhparent = '{PostgreSqlSchema.FactTable}'::regclass
                          """, conn))
        await using (var reader = await list.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var name = reader.GetString(0);
                // Only partitions the importer made; a hand-made partition with another name is left alone.
                if (name.StartsWith(PostgreSqlSchema.PartitionPrefix, StringComparison.Ordinal)
                    && DateOnly.TryParseExact(name[PostgreSqlSchema.PartitionPrefix.Length..], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                    days.Add((name, day));
            }
        }
        var dropped = new List<DateOnly>();
        foreach (var (name, day) in days.OrderBy(d => d.Day))
        {
            var end = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            if (end > horizon) continue;
            await using var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS {PostgreSqlSchema.Name}.\"{name}\"", conn);
            await drop.ExecuteNonQueryAsync(ct);
            logger.LogInformation("Retention dropped partition {Partition} (samples of {Day:yyyy-MM-dd}, older than {Horizon:O})", name, day, horizon);
            dropped.Add(day);
        }
        return dropped;
    }
}
