using Refit;

namespace Gds.Monitor.Collectors.Snowflake.Api;

/// <summary>
/// Snowflake's SQL API v2, the two calls the collector needs. Authentication headers are added by
/// <see cref="KeyPairAuthHandler"/> so every retry carries a valid token.
/// </summary>
[Headers("Accept: application/json", "User-Agent: gds-collector/1.0")]
public interface ISnowflakeSqlApi
{
    /// <summary>Submits a statement; requestId makes a retried submission idempotent on Snowflake's side.</summary>
    [Post("/api/v2/statements")]
    Task<IApiResponse<StatementResponse>> SubmitAsync([Body] StatementRequest request, [Query] string requestId, CancellationToken cancellationToken);

    /// <summary>The status of a statement (202 while running) or, once done, its result: partition 0 unless asked.</summary>
    [Get("/api/v2/statements/{statementHandle}")]
    Task<IApiResponse<StatementResponse>> GetAsync(string statementHandle, [Query] int? partition, CancellationToken cancellationToken);
}
