namespace Gds.Monitor.Scheduling;

/// <summary>How one collector process schedules its targets (configuration section Collector).</summary>
public sealed class CollectorOptions
{
    public const string Section = "Collector";

    /// <summary>Names this process on gds.heartbeats; default gds-collector@HOST.</summary>
    public string CollectorId { get; set; } = $"gds-collector@{Environment.MachineName}";

    /// <summary>
    /// Scrapes running at once across all targets. A dead target holds a slot for at most its timeout, so this should
    /// exceed the number of targets that may be down together.
    /// </summary>
    public int MaxConcurrentScrapes { get; set; } = 32;

    /// <summary>Each scrape moves by up to ± this share of its interval, so targets on the same interval do not stay in lockstep.</summary>
    public double JitterRatio { get; set; } = 0.1;

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long `--once` and a shutdown wait for Kafka to acknowledge what was scraped.</summary>
    public TimeSpan FlushTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>metadata.version of every sample: the collector's version.</summary>
    public string Version { get; set; } = "1.0";
}

public sealed class CollectorOptionsValidator : IValidateOptions<CollectorOptions>
{
    public ValidateOptionsResult Validate(string? name, CollectorOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.CollectorId)) errors.Add($"{CollectorOptions.Section}:CollectorId is empty");
        if (o.MaxConcurrentScrapes is < 1 or > 10_000) errors.Add($"{CollectorOptions.Section}:MaxConcurrentScrapes must be between 1 and 10000, not {o.MaxConcurrentScrapes}");
        if (o.JitterRatio is < 0 or > 0.5) errors.Add($"{CollectorOptions.Section}:JitterRatio must be between 0 and 0.5, not {o.JitterRatio}");
        if (o.HeartbeatInterval < TimeSpan.FromMilliseconds(100)) errors.Add($"{CollectorOptions.Section}:HeartbeatInterval must be at least 100ms");
        if (o.FlushTimeout <= TimeSpan.Zero) errors.Add($"{CollectorOptions.Section}:FlushTimeout must be positive");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
