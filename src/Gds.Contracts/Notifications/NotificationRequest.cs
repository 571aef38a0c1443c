namespace Gds.Contracts.Notifications;

/// <summary>
/// The body of gds_notification's POST /ingest, with that service's exact field names; every field is always
/// sent (null when unknown) so the receiver sees one fixed shape.
/// </summary>
public sealed record NotificationRequest
{
    [JsonPropertyName("alert_name")] public required string AlertName { get; init; }
    [JsonPropertyName("db_instance_id")] public required string DbInstanceId { get; init; }
    [JsonPropertyName("subject")] public required string Subject { get; init; }
    [JsonPropertyName("body_text")] public required string BodyText { get; init; }
    /// <summary>Idempotency key: the alert event id.</summary>
    [JsonPropertyName("message_id")] public required string MessageId { get; init; }
    [JsonPropertyName("severity")] public required string Severity { get; init; }
    [JsonPropertyName("runbook_url"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? RunbookUrl { get; init; }
    [JsonPropertyName("labels")] public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    [JsonPropertyName("routing_key"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? RoutingKey { get; init; }
}
