using System.Net;
using System.Text.Json;
using Polly;
using Polly.Retry;
using Refit;

namespace Gds.Monitor.Collectors.Snowflake.Api;

/// <summary>
/// Runs one statement through the SQL API to completion: submit, follow a 202 by polling the statement handle until
/// it answers 200, then fetch the remaining result partitions. Errors come back as
/// <see cref="SnowflakeApiException"/> with Snowflake's own code and message.
/// </summary>
public sealed class SnowflakeStatementClient(ISnowflakeSqlApi api, SnowflakeConnectionSettings connection, SnowflakeOptions options)
{
    // Polling is expressed as a Polly retry on "still running" (202), so its back-off is the same declarative kind
    // as the HTTP retries; the caller's token (the scrape timeout) bounds it.
    private readonly ResiliencePipeline<IApiResponse<StatementResponse>> _poll =
        new ResiliencePipelineBuilder<IApiResponse<StatementResponse>>()
            .AddRetry(new RetryStrategyOptions<IApiResponse<StatementResponse>>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.StatusCode == HttpStatusCode.Accepted),
                MaxRetryAttempts = int.MaxValue,
                Delay = options.PollInitialDelay,
                MaxDelay = options.PollMaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
            })
            .Build();

    public async Task<StatementResult> ExecuteAsync(string sql, CancellationToken ct)
    {
        var request = new StatementRequest
        {
            Statement = sql,
            Timeout = options.StatementTimeoutSeconds,
            Warehouse = connection.Warehouse,
            Role = connection.Role,
        };
        using var submitted = await api.SubmitAsync(request, Guid.NewGuid().ToString(), ct).ConfigureAwait(false);
        var first = submitted;
        IApiResponse<StatementResponse>? polled = null;
        try
        {
            if (submitted.StatusCode == HttpStatusCode.Accepted)
            {
                var handle = submitted.Content?.StatementHandle
                             ?? throw new SnowflakeApiException(HttpStatusCode.Accepted, null, null, "a 202 reply without statementHandle");
                polled = await _poll.ExecuteAsync(async token => await api.GetAsync(handle, null, token).ConfigureAwait(false), ct).ConfigureAwait(false);
                first = polled;
            }
            var result = Success(first);
            var meta = result.ResultSetMetaData ?? throw new SnowflakeApiException(HttpStatusCode.OK, result.Code, result.SqlState, "a result without resultSetMetaData");
            var rows = new List<List<JsonElement>>(result.Data ?? []);
            var partitions = meta.PartitionInfo?.Count ?? 1;
            for (var p = 1; p < partitions; p++)
            {
                using var part = await api.GetAsync(result.StatementHandle!, p, ct).ConfigureAwait(false);
                rows.AddRange(Success(part).Data ?? []);
            }
            return new StatementResult(meta.RowType, rows);
        }
        finally
        {
            polled?.Dispose();
        }
    }

    private static StatementResponse Success(IApiResponse<StatementResponse> response)
    {
        if (response.StatusCode == HttpStatusCode.OK && response.Content is { } body) return body;
        if (response.StatusCode is not { } status)
            throw new SnowflakeApiException(0, null, null, $"no answer: {response.Error?.InnerException?.Message ?? response.Error?.Message ?? "the request failed"}");
        // Refit leaves the body of a failed call as text; Snowflake's error bodies share the statement shape.
        StatementResponse? error = response.Content;
        if (error is null && response.Error is ApiException { Content: { Length: > 0 } text })
        {
            try { error = JsonSerializer.Deserialize(text, SqlApiJsonContext.Default.StatementResponse); }
            catch (JsonException) { /* not JSON: the status code alone will have to do */ }
        }
        var what = status switch
        {
            HttpStatusCode.Unauthorized => "authentication failed (is the public key's fingerprint registered for the user, and the account right?)",
            HttpStatusCode.Forbidden => "not allowed (does the role have IMPORTED PRIVILEGES on the SNOWFLAKE database?)",
            HttpStatusCode.UnprocessableEntity => "the statement failed",
            HttpStatusCode.RequestTimeout => "the statement timed out on Snowflake's side",
            HttpStatusCode.TooManyRequests => "still rate limited after every retry",
            _ => $"unexpected HTTP {(int)status}",
        };
        throw new SnowflakeApiException(status, error?.Code, error?.SqlState, error?.Message is { } m ? $"{what}: {m}" : what);
    }
}

/// <summary>A finished statement: its columns and every row of every partition.</summary>
public sealed class StatementResult(IReadOnlyList<ColumnType> columns, IReadOnlyList<List<JsonElement>> rows)
{
    public IReadOnlyList<ColumnType> Columns { get; } = columns;

    public IReadOnlyList<ResultRow> Rows()
    {
        var ordinals = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Columns.Count; i++) ordinals.TryAdd(Columns[i].Name, i);
        return rows.Select(r => ResultRow.FromCells(ordinals, r.Select(Cell).ToArray())).ToList();
    }

    private static object? Cell(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => e.GetRawText(),
    };
}

public sealed class SnowflakeApiException(HttpStatusCode status, string? code, string? sqlState, string message)
    : Exception($"Snowflake {(int)status}{(code is null ? "" : $" (code {code}{(sqlState is null ? "" : $", SQL state {sqlState}")})")}: {message}")
{
    public HttpStatusCode Status { get; } = status;
    public string? Code { get; } = code;
}
