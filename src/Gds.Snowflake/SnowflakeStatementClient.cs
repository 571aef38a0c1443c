using System.Net;
using System.Text.Json;
using Polly;
using Polly.Retry;
using Refit;

namespace Gds.Snowflake;

/// <summary>
/// Runs one SQL statement through the SQL API and returns its result: submits it, polls while Snowflake answers
/// 202 (still running), reads every result partition, and turns error replies into
/// <see cref="SnowflakeStatementException"/>. Throttling, 5xx replies and lost requests are retried below this, by
/// the HTTP client's resilience handler (<see cref="SnowflakeHttp"/>). The collector and the importer both use it.
/// </summary>
public sealed class SnowflakeStatementClient : IDisposable
{
    private readonly ISnowflakeSqlApi _api;
    private readonly SnowflakeClientOptions _options;
    private readonly TimeProvider _time;
    private readonly IDisposable? _owned;
    private readonly ResiliencePipeline<IApiResponse<StatementResponse>> _poll;

    public SnowflakeStatementClient(ISnowflakeSqlApi api, SnowflakeClientOptions options, TimeProvider? time = null)
        : this(api, options, time, owned: null)
    {
    }

    private SnowflakeStatementClient(ISnowflakeSqlApi api, SnowflakeClientOptions options, TimeProvider? time, IDisposable? owned)
    {
        _api = api;
        _options = options;
        _time = time ?? TimeProvider.System;
        _owned = owned;
        // Polling is a Polly retry on "still running" (202), the same declarative kind of back-off as the HTTP
        // retries; the statement timeout (and the caller's token) bound it.
        _poll = new ResiliencePipelineBuilder<IApiResponse<StatementResponse>> { TimeProvider = _time }
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
    }

    /// <summary>A client with its own HTTP stack (retries, key-pair auth); disposing it disposes the stack.</summary>
    public static SnowflakeStatementClient Create(SnowflakeClientOptions options, KeyPairJwt jwt, TimeProvider? time = null)
    {
        var (api, http) = SnowflakeHttp.Create(options, jwt, time);
        return new SnowflakeStatementClient(api, options, time, http);
    }

    public async Task<StatementResult> ExecuteAsync(string sql, IReadOnlyDictionary<string, Binding>? bindings = null, CancellationToken ct = default)
    {
        var request = new StatementRequest
        {
            Statement = sql,
            TimeoutSeconds = (int)Math.Ceiling(_options.StatementTimeout.TotalSeconds),
            Database = _options.Database,
            Schema = _options.Schema,
            Warehouse = _options.Warehouse,
            Role = _options.Role,
            Bindings = bindings,
            Parameters = _options.Parameters,
        };
        using var timeout = new CancellationTokenSource(_options.StatementTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        using var submitted = await _api.SubmitAsync(Guid.NewGuid().ToString(), "true", request, ct).ConfigureAwait(false);
        if (submitted.StatusCode != HttpStatusCode.Accepted) return await ReadResultAsync(Success(submitted, sql), sql, ct).ConfigureAwait(false);

        var handle = submitted.Content?.StatementHandle ?? throw Failure(submitted, sql, "Snowflake answered 202 without a statement handle");
        IApiResponse<StatementResponse> polled;
        try
        {
            polled = await _poll.ExecuteAsync(async token => await _api.GetAsync(handle, null, token).ConfigureAwait(false), linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            await TryCancelAsync(handle).ConfigureAwait(false);
            if (ct.IsCancellationRequested) throw;
            throw new TimeoutException($"Snowflake statement {handle} still running after {_options.StatementTimeout}; cancelled. Statement: {Head(sql)}");
        }
        using (polled)
            return await ReadResultAsync(Success(polled, sql), sql, ct).ConfigureAwait(false);
    }

    private async Task<StatementResult> ReadResultAsync(StatementResponse first, string sql, CancellationToken ct)
    {
        var rows = new List<IReadOnlyList<string?>>(first.Data ?? []);
        var partitions = first.ResultSetMetaData?.PartitionInfo?.Count ?? 1;
        // Large results come in partitions; the first is inline, the others are fetched by number, in order.
        for (var p = 1; p < partitions; p++)
        {
            using var more = await _api.GetAsync(first.StatementHandle!, p, ct).ConfigureAwait(false);
            rows.AddRange(Success(more, sql, $"reading result partition {p} failed").Data ?? []);
        }
        return new StatementResult(first.StatementHandle, first.ResultSetMetaData?.RowType ?? [], rows, first.Stats);
    }

    private async Task TryCancelAsync(string handle)
    {
        try { using var _ = await _api.CancelAsync(handle, CancellationToken.None).ConfigureAwait(false); }
        catch (Exception) { /* best effort: the statement's own timeout ends it anyway */ }
    }

    private static StatementResponse Success(IApiResponse<StatementResponse> response, string sql, string? what = null) =>
        response.StatusCode == HttpStatusCode.OK && response.Content is { } body ? body : throw Failure(response, sql, what);

    private static SnowflakeStatementException Failure(IApiResponse<StatementResponse> response, string sql, string? what)
    {
        var errorBody = (response.Error as ApiException)?.Content;
        // Refit leaves the body of a failed call as text; Snowflake's error bodies share the statement shape.
        var body = response.Content ?? Parse(errorBody);
        var status = response.StatusCode ?? 0;
        what ??= status switch
        {
            0 => $"no answer: {response.Error?.InnerException?.Message ?? response.Error?.Message ?? "the request failed"}",
            HttpStatusCode.Unauthorized => "authentication failed (is the public key's fingerprint registered for the user, and the account right?)",
            HttpStatusCode.Forbidden => "not allowed (does the role have the privileges the statement needs?)",
            HttpStatusCode.UnprocessableEntity => "the statement failed",
            HttpStatusCode.RequestTimeout => "the statement timed out on Snowflake's side",
            HttpStatusCode.TooManyRequests => "still rate limited after every retry",
            HttpStatusCode.OK => "a reply without a body",
            _ => $"unexpected HTTP {(int)status}",
        };
        var detail = body?.Message ?? (string.IsNullOrWhiteSpace(errorBody) ? response.ReasonPhrase : Head(errorBody, 200));
        return new SnowflakeStatementException(status, body?.Code, body?.SqlState, detail is null ? what : $"{what}: {detail}", body?.StatementHandle, sql);
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

    public void Dispose() => _owned?.Dispose();
}

/// <summary>A finished statement: its columns, its rows (as Snowflake's text values) and, for DML, how many rows it changed.</summary>
public sealed record StatementResult(string? Handle, IReadOnlyList<ColumnType> Columns, IReadOnlyList<IReadOnlyList<string?>> Rows, DmlStats? Stats);
