using Gds.Contracts.Notifications;
using Refit;

namespace Gds.Notify.Client;

/// <summary>gds_notification's ingest endpoint. The response body is only read for the DLQ headers.</summary>
public interface INotificationApi
{
    [Post("/ingest")]
    Task<IApiResponse> IngestAsync([Body] NotificationRequest request, CancellationToken cancellationToken);
}
