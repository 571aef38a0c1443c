using Gds.Notify.DeadLetter;

namespace Gds.Notify.Delivery;

/// <summary>The end of a notification's delivery: taken by the service, or to be dead-lettered for the given reason.</summary>
public sealed record DeliveryOutcome(bool Delivered, int Attempts, DeadLetterReason? DeadLetter = null)
{
    public static DeliveryOutcome Success(int attempts) => new(true, attempts);
    public static DeliveryOutcome Failed(DeadLetterReason reason) => new(false, reason.Attempts, reason);
}
