using Gds.Ui.Feed;
using Gds.Ui.Health;
using Gds.Ui.Web;

namespace Gds.Ui;

/// <summary>Everything `gds ui` runs, also inside `gds dev`: the board, the feed that fills it from Kafka, the health poller and the web server.</summary>
public sealed record DashboardOptions
{
    public required UiServerOptions Server { get; init; }
    public IReadOnlyList<Uri> HealthEndpoints { get; init; } = [];
    public TimeSpan HealthEvery { get; init; } = TimeSpan.FromSeconds(5);
    public FeedOptions Feed { get; init; } = new();
    public BoardLimits Limits { get; init; } = new();
}

public sealed class Dashboard : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http = new();
    private readonly UiServer _server;
    private readonly TopicFeed _feed;
    private readonly PipelineHealth _health;
    private readonly ILogger _log;
    private Task _feedRun = Task.CompletedTask;
    private Task _healthRun = Task.CompletedTask;

    public Dashboard(DashboardOptions options, KafkaClientFactory clients, ILoggerFactory logs)
    {
        _log = logs.CreateLogger("gds.ui");
        Board = new AlertBoard(options.Limits);
        _feed = new TopicFeed(clients, Board, options.Feed, _log);
        _health = new PipelineHealth(options.HealthEndpoints, _http, _log, options.HealthEvery);
        _server = new UiServer(options.Server, Board, clients, options.HealthEndpoints.Count > 0 ? _health : null, _log);
    }

    public AlertBoard Board { get; }

    /// <summary>Each write made from the page (silence, expiry, ack) in words, with its author.</summary>
    public event Action<string>? Written
    {
        add => _server.Written += value;
        remove => _server.Written -= value;
    }

    /// <summary>The page's address once started.</summary>
    public Uri Address => _server.Address ?? throw new InvalidOperationException("the ui has not started");

    /// <summary>Starts serving at once (the page says "catching up" until the feed has read the topics) and starts the feed.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        await _server.StartAsync(ct);
        _feedRun = Guard(_feed.RunAsync(_stop.Token), "reading the topics");
        _healthRun = Guard(_health.RunAsync(_stop.Token), "polling the health endpoints");
    }

    /// <summary>Ends only when the ui stops or its feed fails: the verb then stops instead of showing a frozen page.</summary>
    public Task FeedRun => _feedRun;

    private async Task Guard(Task run, string what)
    {
        try { await run; }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
        catch (Exception ex)
        {
            _log.LogError("ui: {What} failed: {Error}", what, ex.Message);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _server.DisposeAsync();
        try { await Task.WhenAll(_feedRun, _healthRun); } catch (Exception) { /* logged by Guard */ }
        _http.Dispose();
        _stop.Dispose();
    }
}
