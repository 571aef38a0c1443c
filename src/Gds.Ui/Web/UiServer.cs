using System.Net.ServerSentEvents;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Gds.Alerting.Matchers;
using Gds.Contracts.Topics;
using Gds.Handling.Acks;
using Gds.Handling.Silences;
using Gds.Ui.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Gds.Ui.Web;

/// <summary>Where and how the ui serves: its address (port 0 = any free one) and the token, when one is required.</summary>
public sealed record UiServerOptions
{
    public required string Host { get; init; }
    public required int Port { get; init; }
    public string? Token { get; init; }
}

/// <summary>
/// The ui's web server (Kestrel, minimal APIs): the page (three files compiled into this assembly), its JSON API and
/// the server-sent events that tell an open page to fetch again. Reads come from the <see cref="AlertBoard"/>
/// (never from Kafka); writes go to gds.silences and gds.alerts.acks through the same code as `gds silence` and
/// `gds ack`, and are logged with their author.
/// </summary>
public sealed class UiServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private readonly UiServerOptions _options;
    private readonly AlertBoard _board;
    private readonly KafkaClientFactory _clients;
    private readonly PipelineHealth? _health;
    private readonly ILogger _log;
    private readonly UiAccess _access;
    private WebApplication? _app;

    public UiServer(UiServerOptions options, AlertBoard board, KafkaClientFactory clients, PipelineHealth? health, ILogger log)
    {
        if (!UiAccess.IsLoopback(options.Host) && string.IsNullOrEmpty(options.Token))
            throw new UiConfigurationException($"--listen {options.Host}:{options.Port} is not a loopback address: the ui needs a token there (--token-file FILE or GDS_UI_TOKEN)");
        _options = options;
        _board = board;
        _clients = clients;
        _health = health;
        _log = log;
        _access = new UiAccess(options.Token);
    }

    /// <summary>The page's address once started (the real port when asked for port 0).</summary>
    public Uri? Address { get; private set; }

    /// <summary>Each write (silence made or expired, ack) in words, with its author; also logged.</summary>
    public event Action<string>? Written;

    private void Audit(string line)
    {
        _log.LogInformation("ui: {Write}", line);
        Written?.Invoke(line);
    }

    public async Task StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        var host = _options.Host.Contains(':') ? $"[{_options.Host}]" : _options.Host == "*" ? "0.0.0.0" : _options.Host;
        builder.WebHost.UseUrls($"http://{host}:{_options.Port}");
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        });
        var app = builder.Build();
        app.Use(async (http, next) =>
        {
            if (http.Request.Query.TryGetValue("token", out var presented) && _access.Matches(presented))
            {
                // Opening /?token=T once gives the browser a cookie; the token leaves the address bar.
                http.Response.Cookies.Append(UiAccess.CookieName, presented!, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
                http.Response.Redirect(http.Request.Path);
                return;
            }
            if (!_access.Allows(http))
            {
                http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await http.Response.WriteAsync("gds ui: this address needs the ui's token (open /?token=TOKEN once, or send Authorization: Bearer TOKEN)\n");
                return;
            }
            http.Response.Headers["X-Content-Type-Options"] = "nosniff";
            http.Response.Headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'";
            await next(http);
        });
        MapAssets(app);
        MapApi(app);
        try
        {
            await app.StartAsync(ct);
        }
        catch (Exception ex) when (ex is IOException or Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            await app.DisposeAsync();
            throw new UiConfigurationException($"--listen {_options.Host}:{_options.Port}: cannot listen there: {ex.Message}");
        }
        _app = app;
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        Address = new Uri((bound ?? $"http://{host}:{_options.Port}").Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal) + "/");
    }

    private static void MapAssets(WebApplication app)
    {
        var assembly = typeof(UiServer).Assembly;
        (string Path, string Resource, string Type)[] assets =
        [
            ("/", "index.html", "text/html; charset=utf-8"),
            ("/app.js", "app.js", "text/javascript; charset=utf-8"),
            ("/app.css", "app.css", "text/css; charset=utf-8"),
        ];
        foreach (var (path, resource, type) in assets)
        {
            var bytes = Read(assembly, "gds-ui/" + resource);
            app.MapGet(path, () => Results.Bytes(bytes, type));
        }
    }

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"the ui's {name} is missing from {assembly.GetName().Name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private void MapApi(WebApplication app)
    {
        app.MapGet("/api/alerts", (HttpContext http) =>
        {
            if (!TryQuery(http.Request.Query, out var query, out var problem)) return Results.BadRequest(new { error = problem });
            return Results.Json(Pages.Alerts(_board.Snapshot(), query!), Json);
        });
        app.MapGet("/api/alert", (string? key) =>
        {
            if (string.IsNullOrWhiteSpace(key)) return Results.BadRequest(new { error = "key: the alert's dedup key is required (?key=rule_id:instance_id:metric_name)" });
            var detail = _board.Detail(key);
            return detail is null ? Results.NotFound(new { error = $"no alert '{key}' on {TopicNames.Alerts} in the ui's history" }) : Results.Json(Pages.Detail(detail, _board.Snapshot()), Json);
        });
        app.MapGet("/api/silences", (bool? all) => Results.Json(Pages.Silences(_board.Snapshot(), all == true), Json));
        // Bound from HttpRequest, not HttpContext: a handler taking only HttpContext binds as a RequestDelegate, and its
        // IResult is dropped (a cast to Delegate avoids that too, but crashes ASP.NET's route analyzer, AD0001).
        app.MapPost("/api/silences", (HttpRequest request) => CreateSilenceAsync(request.HttpContext));
        app.MapPost("/api/silences/{id}/expire", (HttpRequest request, string id) => ExpireSilenceAsync(request.HttpContext, id));
        app.MapPost("/api/acks", (HttpRequest request) => AckAsync(request.HttpContext));
        app.MapGet("/api/rules", () => Results.Json(Pages.Rules(_board.Snapshot()), Json));
        app.MapGet("/api/health", () => Results.Json(new
        {
            caught_up = _board.CaughtUp,
            kafka = _clients.BootstrapServers,
            endpoints = _health?.Endpoints.Select(e => e.ToString()).ToList() ?? [],
            processes = _health?.Latest ?? [],
        }, Json));
        app.MapGet("/api/events", (CancellationToken ct) => TypedResults.ServerSentEvents(Changes(ct)));
    }

    /// <summary>
    /// One event per change of the board, at most four a second (a burst of records is one fetch for the page), and
    /// a keep-alive every 15 s so proxies leave the stream open.
    /// </summary>
    private async IAsyncEnumerable<SseItem<string>> Changes([EnumeratorCancellation] CancellationToken ct)
    {
        var signal = Channel.CreateBounded<long>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        void OnChange(long v) => signal.Writer.TryWrite(v);
        _board.Changed += OnChange;
        try
        {
            yield return new SseItem<string>(_board.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), "change");
            while (!ct.IsCancellationRequested)
            {
                using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(ct);
                keepAlive.CancelAfter(TimeSpan.FromSeconds(15));
                long version;
                try
                {
                    version = await signal.Reader.ReadAsync(keepAlive.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    version = -1;
                }
                if (ct.IsCancellationRequested) yield break;
                yield return version < 0
                    ? new SseItem<string>("", "keep-alive")
                    : new SseItem<string>(version.ToString(System.Globalization.CultureInfo.InvariantCulture), "change");
                try { await Task.Delay(250, ct); } catch (OperationCanceledException) { yield break; }
            }
        }
        finally
        {
            _board.Changed -= OnChange;
        }
    }

    private static bool TryQuery(IQueryCollection q, out AlertQuery? query, out string? problem)
    {
        query = null;
        var texts = q["match"].Where(m => !string.IsNullOrWhiteSpace(m)).Select(m => m!).ToList();
        var set = MatcherSet.Parse(texts, out var errors);
        if (errors.Count > 0)
        {
            problem = "match: " + string.Join("; ", errors);
            return false;
        }
        var hide = q["hide"].SelectMany(h => (h ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        string[] known = ["silenced", "inhibited", "acknowledged", "resolved"];
        if (hide.FirstOrDefault(h => !known.Contains(h, StringComparer.OrdinalIgnoreCase)) is { } unknown)
        {
            problem = $"hide: '{unknown}' is not one of {string.Join(", ", known)}";
            return false;
        }
        query = new AlertQuery(set, hide.Contains("silenced"), hide.Contains("inhibited"), hide.Contains("acknowledged"), hide.Contains("resolved"));
        problem = null;
        return true;
    }

    private static readonly SilenceFieldNames FormFields = new("matchers", "alert", "duration", "starts_at", "ends_at", "schedule", "until_resolved", "by", "comment");

    private async Task<IResult> CreateSilenceAsync(HttpContext http)
    {
        if (UiAccess.WriteProblem(http) is { } refused) return Results.BadRequest(new { error = refused });
        SilenceForm? form;
        try { form = await JsonSerializer.DeserializeAsync<SilenceForm>(http.Request.Body, Json, http.RequestAborted); }
        catch (JsonException ex) { return Results.BadRequest(new { error = $"the body is not a silence: {ex.Message}" }); }
        if (form is null) return Results.BadRequest(new { error = "the body is empty" });
        var now = DateTimeOffset.UtcNow;
        if (!SilenceRequest.TryBuild(form.ToDraft(), now, FormFields, out var silence, out var error)) return Results.BadRequest(new { error });
        try
        {
            await SilenceTopic.PublishAsync(_clients, silence!, http.RequestAborted);
        }
        catch (Confluent.Kafka.ProduceException<string, byte[]> ex)
        {
            return Results.Json(new { error = $"{TopicNames.Silences}: {ex.Error.Reason}" }, Json, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        Audit($"silence {silence!.Id} created by {silence.CreatedBy} from {http.Connection.RemoteIpAddress}: {string.Join(", ", silence.Matchers)}; {silence.Comment}");
        return Results.Json(new { id = silence.Id, silence }, Json, statusCode: StatusCodes.Status201Created);
    }

    private async Task<IResult> ExpireSilenceAsync(HttpContext http, string id)
    {
        if (UiAccess.WriteProblem(http) is { } refused) return Results.BadRequest(new { error = refused });
        var by = (await ReadBody<AuthorForm>(http))?.By;
        if (string.IsNullOrWhiteSpace(by)) return Results.BadRequest(new { error = "by: who expires the silence is required" });
        var found = _board.Snapshot().Silences.FirstOrDefault(s => s.Id == id);
        if (found?.Silence is null) return Results.NotFound(new { error = $"no silence '{id}' on {TopicNames.Silences}" });
        var now = DateTimeOffset.UtcNow;
        if (found.Silence.EndsAt is { } ended && ended <= now) return Results.Json(new { id, ended_at = ended, already = true }, Json);
        await SilenceTopic.PublishAsync(_clients, Gds.Alerting.Silences.SilenceExpiry.Ended(found.Silence, now), http.RequestAborted);
        Audit($"silence {id} expired by {by.Trim()} from {http.Connection.RemoteIpAddress}");
        return Results.Json(new { id, ended_at = now, already = false }, Json);
    }

    private async Task<IResult> AckAsync(HttpContext http)
    {
        if (UiAccess.WriteProblem(http) is { } refused) return Results.BadRequest(new { error = refused });
        var form = await ReadBody<AckForm>(http);
        if (!AckTopic.TryBuild(form?.AlertId, form?.By, form?.Comment, DateTimeOffset.UtcNow, out var ack, out var error))
            return Results.BadRequest(new { error = error!.Replace("--by WHO", "by", StringComparison.Ordinal) });
        int partition;
        try
        {
            partition = await AckTopic.PublishAsync(_clients, ack!, http.RequestAborted);
        }
        catch (AckTopicUnavailableException ex)
        {
            return Results.Json(new { error = ex.Message }, Json, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        Audit($"{ack!.AlertId} acknowledged by {ack.By} from {http.Connection.RemoteIpAddress}" + (ack.Comment is { } c ? $": {c}" : ""));
        return Results.Json(new { alert_id = ack.AlertId, by = ack.By, partition }, Json);
    }

    private static async Task<T?> ReadBody<T>(HttpContext http) where T : class
    {
        try { return await JsonSerializer.DeserializeAsync<T>(http.Request.Body, Json, http.RequestAborted); }
        catch (JsonException) { return null; }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is null) return;
        var app = _app;
        _app = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await app.StopAsync(timeout.Token); } catch (OperationCanceledException) { }
        await app.DisposeAsync();
    }

    private sealed record AuthorForm(string? By);

    private sealed record AckForm(string? AlertId, string? By, string? Comment);

    /// <summary>The silence form: matchers one per line (or a list), duration or end time, weekly windows, author and why.</summary>
    private sealed record SilenceForm
    {
        public JsonElement Matchers { get; init; }
        public string? Alert { get; init; }
        public string? Duration { get; init; }
        public string? StartsAt { get; init; }
        public string? EndsAt { get; init; }
        public JsonElement Schedule { get; init; }
        public bool NotifyResolved { get; init; }
        public bool ExpireWhenClear { get; init; }
        public bool UntilResolved { get; init; }
        public string? By { get; init; }
        public string? Comment { get; init; }

        public SilenceDraft ToDraft() => new()
        {
            Match = Lines(Matchers), Alert = Alert, For = Duration, StartsAt = StartsAt, EndsAt = EndsAt, Schedule = Lines(Schedule),
            NotifyResolved = NotifyResolved, ExpireWhenClear = ExpireWhenClear, UntilResolved = UntilResolved, By = By, Comment = Comment,
        };

        private static List<string> Lines(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.String => e.GetString()!.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList(),
            JsonValueKind.Array => e.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!.Trim()).Where(x => x.Length > 0).ToList(),
            _ => [],
        };
    }
}

/// <summary>A setting of the ui that is wrong (exit 2), with the option that names it.</summary>
public sealed class UiConfigurationException(string message) : Exception(message);
