using System.Collections.Concurrent;
using Gds.Contracts.Notifications;
using Gds.Contracts.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;

namespace Gds.Cli.Dev;

/// <summary>
/// A stand-in for gds_notification when `gds dev` has no --notify-url: POST /ingest with the service's body, behind a
/// bearer token as the service is (<see cref="Token"/>, made up per run), idempotent by message_id (a repeat is
/// acknowledged and not shown again), on a free loopback port.
/// </summary>
public sealed class LocalNotificationReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, NotificationRequest> _received = new(StringComparer.Ordinal);
    private long _duplicates;

    public event Action<NotificationRequest>? Received;

    public string BaseUrl { get; private set; } = "";

    /// <summary>The token the sink must send (Authorization: Bearer ...).</summary>
    public string Token { get; } = Guid.NewGuid().ToString("N");
    public int Count => _received.Count;
    public long Duplicates => Interlocked.Read(ref _duplicates);
    public IReadOnlyCollection<NotificationRequest> Notifications => _received.Values.ToList();

    private LocalNotificationReceiver(WebApplication app) => _app = app;

    public static async Task<LocalNotificationReceiver> StartAsync(CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new LocalNotificationReceiver(app);
        app.MapPost("/ingest", receiver.IngestAsync);
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseUrl = address.TrimEnd('/');
        return receiver;
    }

    private async Task<IResult> IngestAsync(HttpRequest request)
    {
        if (request.Headers.Authorization.ToString() != "Bearer " + Token) return Results.Unauthorized();
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        NotificationRequest n;
        try
        {
            n = GdsJson.Deserialize<NotificationRequest>(body.ToArray());
        }
        catch (RecordFormatException ex)
        {
            return Results.BadRequest(new { error = ex.Message });
        }
        if (string.IsNullOrWhiteSpace(n.MessageId)) return Results.BadRequest(new { error = "message_id is required" });
        if (!_received.TryAdd(n.MessageId, n))
        {
            Interlocked.Increment(ref _duplicates);
            return Results.Ok(new { status = "duplicate", message_id = n.MessageId });
        }
        Received?.Invoke(n);
        return Results.Accepted(value: new { status = "accepted", message_id = n.MessageId });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
