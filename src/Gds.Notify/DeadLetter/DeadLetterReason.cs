namespace Gds.Notify.DeadLetter;

/// <summary>Why an event went to the DLQ: where it failed and, for HTTP failures, what the service said.</summary>
public sealed record DeadLetterReason(string Stage, string Error, int? HttpStatus = null, string? ResponseBody = null, int Attempts = 0)
{
    public const string StageDecode = "decode";
    public const string StagePayload = "payload";
    public const string StageDelivery = "delivery";
}
