using System.Globalization;

namespace Gds.Monitor.Collectors.PostgreSql;

/// <summary>
/// Where pg_stat_statements lives in the target's database and which of its columns that extension version has:
/// total_exec_time replaced total_time in 1.8 (PostgreSQL 13); toplevel and pg_stat_statements_info came in 1.9 (14).
/// </summary>
public sealed record StatementsSource(string Schema, Version ExtensionVersion)
{
    public bool HasExecTime => ExtensionVersion >= new Version(1, 8);

    public bool HasToplevel => ExtensionVersion >= new Version(1, 9);

    public bool HasInfo => ExtensionVersion >= new Version(1, 9);

    /// <summary>schema.name, each quoted: the extension may be installed in any schema, not only one on the search_path.</summary>
    public string QualifiedName(string name) => Quote(Schema) + "." + Quote(name);

    /// <summary>The probe's rows (<see cref="PostgreSqlQueries.StatementsProbe"/>); null when the extension is missing or not preloaded.</summary>
    public static StatementsSource? From(IReadOnlyList<ResultRow> rows)
    {
        if (rows.Count != 1 || !rows[0].Flag("preloaded")) return null;
        var version = Version.TryParse(rows[0].Text("version"), out var v) ? v : new Version(1, 0);
        return new StatementsSource(rows[0].Text("schema_name"), version);
    }

    private static string Quote(string identifier) =>
        string.Create(CultureInfo.InvariantCulture, $"\"{identifier.Replace("\"", "\"\"", StringComparison.Ordinal)}\"");
}
