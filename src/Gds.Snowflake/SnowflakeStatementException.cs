using System.Net;

namespace Gds.Snowflake;

/// <summary>
/// Snowflake refused or failed a statement. The message carries the HTTP status, Snowflake's own code, SQL state and
/// text, the statement handle and the start of the statement, so the log line says what failed and where; bindings
/// (data) are left out.
/// </summary>
public sealed class SnowflakeStatementException(HttpStatusCode status, string? code, string? sqlState, string message, string? handle, string statement)
    : Exception(Describe(status, code, sqlState, message, handle, statement))
{
    public HttpStatusCode Status { get; } = status;
    public string? Code { get; } = code;
    public string? SqlState { get; } = sqlState;
    public string? StatementHandle { get; } = handle;

    /// <summary>Worth trying again later: throttling or a server-side failure, not a wrong statement.</summary>
    public bool IsTransient => Status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)Status >= 500;

    private static string Describe(HttpStatusCode status, string? code, string? sqlState, string message, string? handle, string statement)
    {
        var head = statement.ReplaceLineEndings(" ").Trim();
        if (head.Length > 80) head = head[..80] + "…";
        var codes = code is null ? "" : $" (code {code}{(sqlState is null ? "" : $", SQL state {sqlState}")})";
        return $"Snowflake {(int)status}{codes}: {message}" + (handle is null ? "" : $" [statement handle {handle}]") + $"; statement: {head}";
    }
}
