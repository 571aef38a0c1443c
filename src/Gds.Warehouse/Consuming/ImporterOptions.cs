using Microsoft.Extensions.Options;

namespace Gds.Warehouse.Consuming;

/// <summary>Settings of the importer; bound from the "Warehouse" section of the gds configuration.</summary>
public sealed class ImporterOptions
{
    public const string SectionName = "Warehouse";

    public string GroupId { get; set; } = "gds-dw-importer";

    public string ClientId { get; set; } = "gds-dw-importer";

    /// <summary>Which topics are metric topics: gds.metrics.{database_type}.{environment}, not the DLQ.</summary>
    public string TopicPattern { get; set; } = @"^gds\.metrics\.[^.]+\.[^.]+$";

    /// <summary>
    /// Kafka's session timeout: how soon the group notices a crashed importer and hands its partitions to
    /// another (or to the restarted one). Shorter than Kafka's 45 s default because a restarted importer waits
    /// this long, and the embedded broker makes even a clean restart wait it (it ignores LeaveGroup).
    /// </summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public BatchOptions Batch { get; set; } = new();

    public RetentionOptions Retention { get; set; } = new();

    public LoadRetryOptions LoadRetry { get; set; } = new();

    /// <summary>PostgreSQL: sessions that load slices of one batch in parallel (one backend uses one core).</summary>
    public int LoadSessions { get; set; } = 2;

    /// <summary>How often progress (rows, batches, lag) is logged.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A sample stamped further ahead than this is refused (dead-lettered): a collector's clock is wrong.</summary>
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromDays(1);

    /// <summary>With --drain: how long to wait for a partition assignment before deciding there is nothing to do.</summary>
    public TimeSpan DrainAssignmentTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Refuses settings that would make the importer misbehave, naming the setting and the reason.</summary>
public sealed class ImporterOptionsValidator : IValidateOptions<ImporterOptions>
{
    public ValidateOptionsResult Validate(string? name, ImporterOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.GroupId)) errors.Add("Warehouse:GroupId must not be empty");
        if (o.Batch.MaxRows < 1) errors.Add($"Warehouse:Batch:MaxRows must be at least 1 (got {o.Batch.MaxRows})");
        if (o.Batch.MaxRows > 5_000_000) errors.Add($"Warehouse:Batch:MaxRows must be at most 5000000 (got {o.Batch.MaxRows}): a batch is held in memory");
        if (o.Batch.MaxDelay <= TimeSpan.Zero) errors.Add($"Warehouse:Batch:MaxDelay must be positive (got {o.Batch.MaxDelay})");
        if (o.Retention.Days is < 1) errors.Add($"Warehouse:Retention:Days must be at least 1 (got {o.Retention.Days})");
        if (o.Retention.Interval <= TimeSpan.Zero) errors.Add($"Warehouse:Retention:Interval must be positive (got {o.Retention.Interval})");
        if (o.SessionTimeout < TimeSpan.FromSeconds(1) || o.SessionTimeout > TimeSpan.FromMinutes(30))
            errors.Add($"Warehouse:SessionTimeout must be between 1 s and 30 min (got {o.SessionTimeout})");
        if (o.ProgressInterval <= TimeSpan.Zero) errors.Add($"Warehouse:ProgressInterval must be positive (got {o.ProgressInterval})");
        if (o.LoadSessions is < 1 or > 16) errors.Add($"Warehouse:LoadSessions must be between 1 and 16 (got {o.LoadSessions})");
        if (o.LoadRetry.MaxAttempts < 0) errors.Add($"Warehouse:LoadRetry:MaxAttempts must not be negative (got {o.LoadRetry.MaxAttempts})");
        try
        {
            _ = new System.Text.RegularExpressions.Regex(o.TopicPattern);
            if (!o.TopicPattern.StartsWith('^')) errors.Add($"Warehouse:TopicPattern must start with ^ (Kafka treats only such subscriptions as patterns): '{o.TopicPattern}'");
        }
        catch (ArgumentException ex)
        {
            errors.Add($"Warehouse:TopicPattern is not a valid regular expression: {ex.Message}");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
