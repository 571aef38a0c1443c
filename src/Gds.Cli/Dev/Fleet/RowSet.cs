using Gds.Monitor.Collectors;

namespace Gds.Cli.Dev.Fleet;

/// <summary>
/// The rows of one result set as a server would return them, named by the query's column aliases, built with
/// <see cref="ResultRow.FromCells"/> so the collector's own mapping reads them exactly as it reads a live reply.
/// </summary>
internal sealed class RowSet
{
    private readonly Dictionary<string, int> _columns = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ResultRow> _rows = [];

    public RowSet(params string[] columns)
    {
        for (var i = 0; i < columns.Length; i++) _columns.Add(columns[i], i);
    }

    public RowSet Add(params object?[] values)
    {
        if (values.Length != _columns.Count) throw new ArgumentException($"{values.Length} values for {_columns.Count} columns");
        _rows.Add(ResultRow.FromCells(_columns, values));
        return this;
    }

    public IReadOnlyList<ResultRow> Rows => _rows;
}
