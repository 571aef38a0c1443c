namespace Gds.Contracts.Topics;

/// <summary>Header names put on records sent to a dead-letter topic, so a replay knows where and why.</summary>
public static class ErrorHeaders
{
    public const string Error = "gds.error";
    public const string ErrorStage = "gds.error.stage";
    public const string SourceTopic = "gds.source.topic";
    public const string SourcePartition = "gds.source.partition";
    public const string SourceOffset = "gds.source.offset";
    public const string HttpStatus = "gds.http.status";
    public const string ResponseBody = "gds.http.body";
    public const string Attempts = "gds.attempts";
    public const string FailedAt = "gds.failed.at";
}
