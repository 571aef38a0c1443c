namespace Gds.Notify.Tests.Support;

/// <summary>Sample alert events, every field set the way the topology sets it.</summary>
public static class Alerts
{
    private static int _counter;

    public static AlertEvent Firing(string? id = null, string rule = "pg-cpu-high", string instance = "prod-db-01",
        string severity = "CRITICAL", string? route = "dba", string status = AlertStatus.Firing, string? summary = "CPU above 90% on prod-db-01")
    {
        var n = Interlocked.Increment(ref _counter);
        return new AlertEvent
        {
            EventId = id ?? $"evt-{Guid.NewGuid():N}",
            Status = status,
            RuleId = rule,
            DedupKey = $"{rule}:{instance}:cpu_usage_percent",
            InstanceId = instance,
            MetricName = "cpu_usage_percent",
            DatabaseType = "postgresql",
            Environment = "production",
            Severity = severity,
            Value = 95.5,
            Expected = "> 90",
            Summary = summary,
            Description = "CPU usage has been above 90% for 5 minutes.",
            RunbookUrl = "https://runbooks.example.org/pg-cpu",
            DashboardUrl = "https://grafana.example.org/d/pg?var-instance=prod-db-01",
            Labels = new Dictionary<string, string> { ["team"] = "dba", ["env"] = "production" },
            RoutingKey = route,
            StartsAt = new DateTimeOffset(2025, 1, 15, 10, 30, 0, TimeSpan.Zero),
            EventTime = new DateTimeOffset(2025, 1, 15, 10, 35, 0, TimeSpan.Zero).AddSeconds(n),
        };
    }
}
