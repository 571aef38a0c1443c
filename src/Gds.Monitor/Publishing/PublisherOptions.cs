namespace Gds.Monitor.Publishing;

/// <summary>The Kafka publisher and its spool (configuration section Collector:Publisher).</summary>
public sealed class PublisherOptions
{
    public const string Section = "Collector:Publisher";

    /// <summary>Where the spool keeps its segment files; one directory per collector process.</summary>
    public string SpoolDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "gds-spool");

    /// <summary>The spool's bound on disk; past it the oldest samples are dropped (and counted).</summary>
    public long SpoolMaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Size of one segment file: the unit in which the spool frees space and drops when full.</summary>
    public long SpoolSegmentBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>
    /// Samples handed to the Kafka client and not yet acknowledged, at most. This bounds what is only in memory; the
    /// rest waits on disk.
    /// </summary>
    public int MaxInFlight { get; set; } = 10_000;

    public string ClientId { get; set; } = "gds-collector";

    /// <summary>librdkafka's reconnect back-off ceiling: how soon a returning broker is noticed.</summary>
    public TimeSpan ReconnectBackoffMax { get; set; } = TimeSpan.FromSeconds(2);
}

public sealed class PublisherOptionsValidator : IValidateOptions<PublisherOptions>
{
    public ValidateOptionsResult Validate(string? name, PublisherOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.SpoolDirectory)) errors.Add($"{PublisherOptions.Section}:SpoolDirectory is empty");
        if (o.SpoolSegmentBytes < 4096) errors.Add($"{PublisherOptions.Section}:SpoolSegmentBytes must be at least 4096");
        if (o.SpoolMaxBytes < 2 * o.SpoolSegmentBytes)
            errors.Add($"{PublisherOptions.Section}:SpoolMaxBytes ({o.SpoolMaxBytes}) must hold at least two segments of SpoolSegmentBytes ({o.SpoolSegmentBytes})");
        if (o.MaxInFlight is < 1 or > 1_000_000) errors.Add($"{PublisherOptions.Section}:MaxInFlight must be between 1 and 1000000");
        if (o.ReconnectBackoffMax <= TimeSpan.Zero) errors.Add($"{PublisherOptions.Section}:ReconnectBackoffMax must be positive");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
