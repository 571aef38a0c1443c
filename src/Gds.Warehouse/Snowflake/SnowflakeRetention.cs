using Gds.Snowflake;
using System.Globalization;

namespace Gds.Warehouse.Snowflake;

/// <summary>
/// Retention in Snowflake: whole days are deleted by DATE_KEY, the clustering key, so the DELETE removes entire
/// micro-partitions (a metadata operation) rather than rewriting partitions row by row. Also clears stage rows
/// left behind by loads that died half-way.
/// </summary>
public sealed class SnowflakeRetention(SnowflakeStatementClient sql, ILogger logger) : IRetentionEnforcer
{
    public async Task<IReadOnlyList<DateOnly>> DropOlderThanAsync(DateTimeOffset horizon, CancellationToken ct)
    {
        // A day goes once all of it is older than the horizon, i.e. it ends at or before the horizon.
        var firstKept = DateKeys.Of(DateOnly.FromDateTime(horizon.UtcDateTime));
        var cutoff = new Dictionary<string, Binding> { ["1"] = Binding.Fixed(firstKept) };
        var days = await sql.ExecuteAsync("SELECT DISTINCT DATE_KEY FROM FACT_SAMPLE WHERE DATE_KEY < ? ORDER BY DATE_KEY", cutoff, ct);
        var dropped = days.Rows.Select(r => DateKeys.ToDate(int.Parse(r[0]!, CultureInfo.InvariantCulture))).ToList();
        if (dropped.Count > 0)
        {
            await sql.ExecuteAsync("DELETE FROM FACT_SAMPLE WHERE DATE_KEY < ?", cutoff, ct);
            logger.LogInformation("Retention deleted the samples of {Count} days before {Day}", dropped.Count, DateKeys.ToDate(firstKept));
        }
        await sql.ExecuteAsync("DELETE FROM STAGE_SAMPLE WHERE LOADED_AT < DATEADD(day, -1, CURRENT_TIMESTAMP())", null, ct);
        return dropped;
    }
}
