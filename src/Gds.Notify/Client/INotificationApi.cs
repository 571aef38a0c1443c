using Gds.Contracts.Notifications;
using Refit;

namespace Gds.Notify.Client;

/// <summary>gds_notification's ingest endpoint. The response body is only read for the DLQ headers.</summary>
public interface INotificationApi
{
    /// <remarks>
    /// Buffered, so the request carries a Content-Length instead of a chunked body: some HTTP servers (Python's
    /// http.server among them) do not read chunked requests.
    /// </remarks>
    [Post("/ingest")]
    Task<IApiResponse> IngestAsync([Body(buffered: true)] NotificationRequest request, CancellationToken cancellationToken);
}
