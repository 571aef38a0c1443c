using System.Data;
using System.Text.Json;

namespace Gds.Monitor.Tests.Support;

/// <summary>
/// Recorded result sets (Recorded/mssql/*.json) as a DataSet, typed as SqlDataReader would type them, so
/// DataSet.CreateDataReader() stands in for the live reader.
/// </summary>
public static class RecordedResultSets
{
    public static DataSet Load(string file)
    {
        using var doc = JsonDocument.Parse(Recorded.Text("mssql", file));
        var set = new DataSet();
        foreach (var rs in doc.RootElement.GetProperty("result_sets").EnumerateArray())
        {
            var table = new DataTable(rs.GetProperty("name").GetString());
            var types = new List<string>();
            foreach (var c in rs.GetProperty("columns").EnumerateArray())
            {
                var sqlType = c[1].GetString()!;
                types.Add(sqlType);
                table.Columns.Add(c[0].GetString(), ClrType(sqlType));
            }
            foreach (var r in rs.GetProperty("rows").EnumerateArray())
            {
                var values = r.EnumerateArray().Select((v, i) => Value(v, types[i])).ToArray();
                table.Rows.Add(values);
            }
            set.Tables.Add(table);
        }
        return set;
    }

    private static Type ClrType(string sqlType) => sqlType switch
    {
        "nvarchar" or "varchar" or "sysname" => typeof(string),
        "bigint" => typeof(long),
        "int" => typeof(int),
        "smallint" => typeof(short),
        "tinyint" => typeof(byte),
        "bit" => typeof(bool),
        "float" => typeof(double),
        _ => throw new NotSupportedException(sqlType),
    };

    private static object Value(JsonElement v, string sqlType) => v.ValueKind == JsonValueKind.Null ? DBNull.Value : sqlType switch
    {
        "nvarchar" or "varchar" or "sysname" => v.GetString()!,
        "bigint" => v.GetInt64(),
        "int" => v.GetInt32(),
        "smallint" => v.GetInt16(),
        "tinyint" => v.GetByte(),
        "bit" => v.GetBoolean(),
        "float" => v.GetDouble(),
        _ => throw new NotSupportedException(sqlType),
    };
}
