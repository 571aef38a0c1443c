namespace Gds.Notify.Payload;

/// <summary>An alert event that cannot become a notification (unknown severity or status); never retried, dead-lettered.</summary>
public sealed class PayloadException(string message) : Exception(message);
