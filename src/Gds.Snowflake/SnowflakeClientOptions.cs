namespace Gds.Snowflake;

/// <summary>Where and how a <see cref="SnowflakeStatementClient"/> talks to the SQL API; each user fills it from its own configuration.</summary>
public sealed record SnowflakeClientOptions
{
    /// <summary>https://ACCOUNT.snowflakecomputing.com, or another host (a proxy, a test server).</summary>
    public required Uri BaseAddress { get; init; }

    /// <summary>Sent as User-Agent, so Snowflake's query history tells the collector from the importer.</summary>
    public string UserAgent { get; init; } = "gds/1.0";

    /// <summary>The statement context; null leaves the user's default.</summary>
    public string? Database { get; init; }
    public string? Schema { get; init; }
    public string? Warehouse { get; init; }
    public string? Role { get; init; }

    /// <summary>Session parameters sent with every statement (the importer sets TIMEZONE=UTC).</summary>
    public IReadOnlyDictionary<string, string>? Parameters { get; init; }

    /// <summary>How long one statement may run (queued, executing, polled): asked of Snowflake and, past it, cancelled.</summary>
    public TimeSpan StatementTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>First wait before asking again about a statement that answered 202; it doubles up to <see cref="PollMaxDelay"/>.</summary>
    public TimeSpan PollInitialDelay { get; init; } = TimeSpan.FromMilliseconds(50);
    public TimeSpan PollMaxDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Retries of a request refused as transient (408, 429, 5xx) or lost in transit; Retry-After is honoured.</summary>
    public int MaxRetries { get; init; } = 6;

    /// <summary>First pause between two retries; it doubles each time (with jitter).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one HTTP attempt may take before it counts as lost and is retried.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(90);
}
