using System.Data.Common;
using System.Globalization;

namespace Gds.Monitor.Collectors;

/// <summary>
/// One row of a result set, read by column name. Collectors that run SQL turn each result set into rows first and map
/// rows to samples second, so the mapping is the same code whether the rows come from the live server or from
/// recorded rows in a test.
/// </summary>
public sealed class ResultRow
{
    private readonly IReadOnlyDictionary<string, int> _columns;
    private readonly object?[] _values;

    private ResultRow(IReadOnlyDictionary<string, int> columns, object?[] values)
    {
        _columns = columns;
        _values = values;
    }

    /// <summary>Reads every row of the reader's current result set.</summary>
    public static async Task<IReadOnlyList<ResultRow>> ReadAllAsync(DbDataReader reader, CancellationToken ct)
    {
        var columns = new Dictionary<string, int>(reader.FieldCount, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < reader.FieldCount; i++) columns.TryAdd(reader.GetName(i), i);
        var rows = new List<ResultRow>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var values = new object?[reader.FieldCount];
            for (var i = 0; i < values.Length; i++) values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(new ResultRow(columns, values));
        }
        return rows;
    }

    /// <summary>For collectors whose transport hands over text cells (Snowflake's JSON rows).</summary>
    public static ResultRow FromCells(IReadOnlyDictionary<string, int> columns, object?[] values) => new(columns, values);

    public bool Has(string column) => _columns.ContainsKey(column);

    public object? this[string column] => _values[Ordinal(column)];

    /// <summary>The value as a number; null for SQL NULL.</summary>
    public double? Number(string column) => this[column] is { } v ? ToDouble(v) : null;

    /// <summary>The value as a number, or <paramref name="fallback"/> for SQL NULL.</summary>
    public double Number(string column, double fallback) => Number(column) ?? fallback;

    public string Text(string column, string fallback = "") =>
        this[column] is { } v ? Convert.ToString(v, CultureInfo.InvariantCulture)?.Trim() ?? fallback : fallback;

    public bool Flag(string column) => this[column] switch
    {
        null => false,
        bool b => b,
        string s => s.Equals("true", StringComparison.OrdinalIgnoreCase) || s == "1" || s.Equals("yes", StringComparison.OrdinalIgnoreCase),
        var v => ToDouble(v) != 0,
    };

    private int Ordinal(string column) =>
        _columns.TryGetValue(column, out var i) ? i : throw new KeyNotFoundException($"the result has no column '{column}' (columns: {string.Join(", ", _columns.Keys)})");

    public static double ToDouble(object value) => value switch
    {
        double d => d,
        float f => f,
        decimal m => (double)m,
        long l => l,
        int i => i,
        short s => s,
        byte b => b,
        bool b => b ? 1 : 0,
        string s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => Convert.ToDouble(value, CultureInfo.InvariantCulture),
    };
}
