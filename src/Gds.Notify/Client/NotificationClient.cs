using System.Net.Http.Headers;
using Gds.Contracts.Notifications;
using Gds.Contracts.Serialization;
using Gds.Notify.Configuration;
using Refit;

namespace Gds.Notify.Client;

/// <summary>
/// One POST to {NotifyUrl}/ingest through the Refit client, turned into an <see cref="AttemptResult"/>. No retries
/// here: the resilience pipeline decides what to do with the result.
/// </summary>
public sealed class NotificationClient : IDisposable
{
    /// <summary>Bodies kept for the DLQ header; a service that answers with a page of HTML is cut here.</summary>
    public const int MaxBodyChars = 4_000;

    private readonly HttpClient _http;
    private readonly INotificationApi _api;

    /// <summary>True when requests carry the auth header (the token itself is not kept here).</summary>
    public bool SendsAuthHeader { get; private init; }

    public NotificationClient(HttpClient http)
    {
        _http = http;
        _api = RestService.For<INotificationApi>(http, RefitSettings.ForJsonContext(GdsJsonContext.Default));
    }

    /// <summary>Builds the HTTP stack the options describe: TLS verification unless switched off, and the auth header from the secret.</summary>
    public static NotificationClient Create(SinkOptions options)
    {
        var sockets = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            // Redirects on a POST would silently turn into a GET; a 3xx is reported instead.
            AllowAutoRedirect = false,
        };
        if (options.SkipTlsVerification)
            sockets.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        HttpMessageHandler handler = sockets;
        var token = SecretSource.Read(options.AuthToken, options.AuthTokenFile, options.AuthTokenEnvironmentVariable, $"{SinkOptions.SectionName}:AuthToken");
        if (token is not null)
            handler = new AuthHeaderHandler(options.AuthHeaderName, options.AuthScheme, token) { InnerHandler = handler };
        var http = new HttpClient(handler)
        {
            BaseAddress = new Uri(options.NotifyUrl.TrimEnd('/')),
            // Timeouts belong to the resilience pipeline, which knows attempts from rounds.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("gds-sink", "1.0"));
        return new NotificationClient(http) { SendsAuthHeader = token is not null };
    }

    public async Task<AttemptResult> SendAsync(NotificationRequest request, CancellationToken cancellationToken)
    {
        IApiResponse response;
        try
        {
            response = await _api.IngestAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            return new AttemptResult(null, null, null, ex);
        }
        using (response)
        {
            if (response.StatusCode is not { } code)
            {
                // No answer at all; Refit hands the transport failure back inside the response.
                var failure = response.Error?.InnerException ?? response.Error;
                if (failure is OperationCanceledException cancelled) throw cancelled;
                return new AttemptResult(null, null, null, failure);
            }
            if (response.IsSuccessStatusCode) return new AttemptResult((int)code, null, null);
            var body = response.Error is ApiException api ? api.Content : response.Error?.Message;
            return new AttemptResult((int)code, Cap(body), RetryAfter(response.Headers), null);
        }
    }

    /// <summary>Retry-After as a delay: seconds or an HTTP date (RFC 9110 §10.2.3).</summary>
    public static TimeSpan? RetryAfter(HttpResponseHeaders? headers)
    {
        var ra = headers?.RetryAfter;
        if (ra is null) return null;
        if (ra.Delta is { } d) return d < TimeSpan.Zero ? TimeSpan.Zero : d;
        if (ra.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    private static string? Cap(string? body) => body is null || body.Length <= MaxBodyChars ? body : body[..MaxBodyChars];

    public void Dispose() => _http.Dispose();
}
