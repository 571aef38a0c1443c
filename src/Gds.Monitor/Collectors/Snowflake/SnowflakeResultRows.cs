using Gds.Snowflake;

namespace Gds.Monitor.Collectors.Snowflake;

/// <summary>A SQL API result as the collector's rows: cells by column name (the SQL API sends every non-null cell as text).</summary>
public static class SnowflakeResultRows
{
    public static IReadOnlyList<ResultRow> ResultRows(this StatementResult result)
    {
        var ordinals = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < result.Columns.Count; i++) ordinals.TryAdd(result.Columns[i].Name, i);
        return result.Rows.Select(r => ResultRow.FromCells(ordinals, r.Cast<object?>().ToArray())).ToList();
    }
}
