using System.Net;
using System.Text.Json;
using Refit;

namespace Gds.Warehouse.Snowflake;

/// <summary>
/// Runs one SQL statement through the SQL API and returns its result: submits it, polls while Snowflake answers
/// 202 (still running), reads every result partition, and turns error replies into
/// <see cref="SnowflakeStatementException"/>. Throttling and 5xx replies are retried below this, by the HTTP
/// client's resilience handler.
/// </summary>
public sealed class SnowflakeStatementClient(ISnowflakeSqlApi api, SnowflakeConnection connection, TimeProvider? time = null)
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxPoll = TimeSpan.FromSeconds(2);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<StatementResult> ExecuteAsync(string sql, IReadOnlyDictionary<string, Binding>? bindings = null, CancellationToken ct = default)
    {
        var request = new StatementRequest
        {
            Statement = sql,
            TimeoutSeconds = (int)connection.StatementTimeout.TotalSeconds,
            Database = connection.Database,
            Schema = connection.Schema,
            Warehouse = connection.Warehouse,
            Role = connection.Role,
            Bindings = bindings,
            // Samples are UTC; so is every timestamp the importer writes or compares.
            Parameters = new Dictionary<string, string> { ["TIMEZONE"] = "UTC" },
        };
        var deadline = _time.GetUtcNow() + connection.StatementTimeout;
        var response = await api.SubmitAsync(Guid.NewGuid().ToString(), "true", request, ct);
        var pause = FirstPoll;
        while (true)
        {
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    return await ReadResultAsync(response.Content!, sql, ct);
                case HttpStatusCode.Accepted:
                    var handle = response.Content?.StatementHandle
                                 ?? throw Failure(response, sql, "Snowflake answered 202 without a statement handle");
                    if (_time.GetUtcNow() > deadline)
                    {
                        await TryCancelAsync(handle);
                        throw new TimeoutException($"Snowflake statement {handle} still running after {connection.StatementTimeout}; cancelled. Statement: {Head(sql)}");
                    }
                    try
                    {
                        await Task.Delay(pause, _time, ct);
                    }
                    catch (OperationCanceledException)
                    {
                        await TryCancelAsync(handle);
                        throw;
                    }
                    pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, MaxPoll.Ticks));
                    response = await api.GetAsync(handle, null, ct);
                    break;
                default:
                    throw Failure(response, sql, null);
            }
        }
    }

    private async Task<StatementResult> ReadResultAsync(StatementResponse first, string sql, CancellationToken ct)
    {
        var rows = new List<List<string?>>(first.Data ?? []);
        var partitions = first.ResultSetMetaData?.PartitionInfo?.Count ?? 1;
        // Large results come in partitions; the first is inline, the others are fetched by number.
        for (var p = 1; p < partitions; p++)
        {
            var more = await api.GetAsync(first.StatementHandle!, p, ct);
            if (more.StatusCode != HttpStatusCode.OK) throw Failure(more, sql, $"reading result partition {p} failed");
            rows.AddRange(more.Content?.Data ?? []);
        }
        return new StatementResult(first.StatementHandle, rows, first.Stats);
    }

    private async Task TryCancelAsync(string handle)
    {
        try { await api.CancelAsync(handle, CancellationToken.None); }
        catch (Exception) { /* best effort: the statement's own timeout ends it anyway */ }
    }

    private static SnowflakeStatementException Failure(IApiResponse<StatementResponse> response, string sql, string? what)
    {
        var errorBody = (response.Error as ApiException)?.Content;
        var body = response.Content ?? Parse(errorBody);
        var message = body?.Message ?? what ?? (string.IsNullOrWhiteSpace(errorBody)
            ? response.ReasonPhrase ?? response.Error?.Message ?? "no reason given"
            : Head(errorBody, 200));
        return new SnowflakeStatementException(response.StatusCode ?? 0, body?.Code, body?.SqlState, message, body?.StatementHandle, sql);
    }

    private static StatementResponse? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try { return JsonSerializer.Deserialize(json, SnowflakeJsonContext.Default.StatementResponse); }
        catch (JsonException) { return null; }
    }

    private static string Head(string text, int max = 80)
    {
        var t = text.ReplaceLineEndings(" ").Trim();
        return t.Length > max ? t[..max] + "…" : t;
    }
}

/// <summary>A finished statement: its rows (as Snowflake's text values) and, for DML, how many rows it changed.</summary>
public sealed record StatementResult(string? Handle, IReadOnlyList<IReadOnlyList<string?>> Rows, DmlStats? Stats);
