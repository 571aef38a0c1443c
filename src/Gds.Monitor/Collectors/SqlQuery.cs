using System.Data.Common;

namespace Gds.Monitor.Collectors;

/// <summary>One statement of a collector's batch and the code that turns its rows into samples.</summary>
public sealed record SqlQuery(string Name, string Text, Action<IReadOnlyList<ResultRow>, SampleSet> Map);

public static class SqlBatchMapping
{
    /// <summary>
    /// Maps the result sets of a batch, in order, one per query. Used on the live reader and on recorded rows alike,
    /// so a test on recorded rows exercises exactly the production mapping.
    /// </summary>
    public static async Task<SampleSet> MapAsync(DbDataReader reader, IReadOnlyList<SqlQuery> queries, CancellationToken ct)
    {
        var samples = new SampleSet();
        for (var i = 0; i < queries.Count; i++)
        {
            if (i > 0 && !await reader.NextResultAsync(ct).ConfigureAwait(false))
                throw new InvalidOperationException($"the server returned {i} result sets, expected {queries.Count} (missing: {queries[i].Name})");
            IReadOnlyList<ResultRow> rows;
            try
            {
                rows = await ResultRow.ReadAllAsync(reader, ct).ConfigureAwait(false);
                queries[i].Map(rows, samples);
            }
            catch (Exception ex) when (ex is KeyNotFoundException or FormatException or InvalidCastException)
            {
                throw new InvalidOperationException($"query '{queries[i].Name}': {ex.Message}", ex);
            }
        }
        return samples;
    }
}
