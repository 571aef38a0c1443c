using Gds.Snowflake;

namespace Gds.Monitor.Collectors.Snowflake;

/// <summary>How the Snowflake collector talks to the SQL API (configuration section Collector:Snowflake).</summary>
public sealed class SnowflakeOptions
{
    public const string Section = "Collector:Snowflake";

    /// <summary>First wait before asking again about a statement that answered 202; doubles up to <see cref="PollMaxDelay"/>.</summary>
    public TimeSpan PollInitialDelay { get; set; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan PollMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries of a request refused with 408/429/5xx or lost in transit; Retry-After is honoured when sent.</summary>
    public int MaxRetryAttempts { get; set; } = 5;
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The statement timeout asked of Snowflake, so an abandoned scrape does not keep a warehouse busy.</summary>
    public int StatementTimeoutSeconds { get; set; } = 120;

    /// <summary>The SQL API client's settings for one target's connection.</summary>
    public SnowflakeClientOptions ClientOptions(SnowflakeConnectionSettings connection) => new()
    {
        BaseAddress = connection.Host,
        UserAgent = "gds-collector/1.0",
        Warehouse = connection.Warehouse,
        Role = connection.Role,
        StatementTimeout = TimeSpan.FromSeconds(StatementTimeoutSeconds),
        PollInitialDelay = PollInitialDelay,
        PollMaxDelay = PollMaxDelay,
        MaxRetries = MaxRetryAttempts,
        RetryDelay = RetryBaseDelay,
    };
}

public sealed class SnowflakeOptionsValidator : IValidateOptions<SnowflakeOptions>
{
    public ValidateOptionsResult Validate(string? name, SnowflakeOptions o)
    {
        var errors = new List<string>();
        if (o.PollInitialDelay <= TimeSpan.Zero) errors.Add($"{SnowflakeOptions.Section}:PollInitialDelay must be positive");
        if (o.PollMaxDelay < o.PollInitialDelay) errors.Add($"{SnowflakeOptions.Section}:PollMaxDelay must be at least PollInitialDelay");
        if (o.MaxRetryAttempts is < 1 or > 50) errors.Add($"{SnowflakeOptions.Section}:MaxRetryAttempts must be between 1 and 50");
        if (o.RetryBaseDelay <= TimeSpan.Zero) errors.Add($"{SnowflakeOptions.Section}:RetryBaseDelay must be positive");
        if (o.StatementTimeoutSeconds < 1) errors.Add($"{SnowflakeOptions.Section}:StatementTimeoutSeconds must be at least 1");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
