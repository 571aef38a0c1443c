using Gds.Warehouse.Connections;
using Npgsql;

namespace Gds.Warehouse.PostgreSql;

/// <summary>Parses a PostgreSQL connection string (after ${ENV} expansion) and describes it without its secrets.</summary>
public static class PostgreSqlConnection
{
    public static NpgsqlConnectionStringBuilder Parse(string connection)
    {
        NpgsqlConnectionStringBuilder b;
        try
        {
            b = new NpgsqlConnectionStringBuilder(EnvironmentReferences.Expand(connection));
        }
        catch (ArgumentException ex)
        {
            // Npgsql's message names the bad keyword; the value (which may be a password) is not repeated.
            throw new ConnectionStringException($"invalid PostgreSQL connection string: {ex.Message}", ex);
        }
        if (string.IsNullOrWhiteSpace(b.Host)) throw new ConnectionStringException("the PostgreSQL connection string has no Host");
        // Identify the importer in pg_stat_activity.
        if (string.IsNullOrEmpty(b.ApplicationName)) b.ApplicationName = "gds-dw-importer";
        return b;
    }

    /// <summary>Host, port, database and user only: safe for a log line.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder b) => $"postgresql://{b.Username}@{b.Host}:{b.Port}/{b.Database}";
}
