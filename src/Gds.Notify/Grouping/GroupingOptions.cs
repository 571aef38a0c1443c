namespace Gds.Notify.Grouping;

/// <summary>
/// Optional grouping per route, as in Alertmanager. Routes not listed (and no "*" entry) send one notification per
/// event. Keys are routing keys; "*" applies to every route without an entry of its own.
/// </summary>
public sealed class GroupingOptions
{
    public const string AnyRoute = "*";

    public Dictionary<string, GroupRouteOptions> Routes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The grouping of a route, or null when its events go one by one.</summary>
    public GroupRouteOptions? For(string route) =>
        Routes.TryGetValue(route, out var r) ? r : Routes.TryGetValue(AnyRoute, out var any) ? any : null;
}

/// <summary>The three timers of a group (Alertmanager's meanings).</summary>
public sealed class GroupRouteOptions
{
    /// <summary>How long a new group waits for more events before its first notification.</summary>
    public TimeSpan GroupWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Minimum time between two notifications of the same group.</summary>
    public TimeSpan GroupInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>An alert already notified in the same state is not sent again within this time.</summary>
    public TimeSpan RepeatInterval { get; set; } = TimeSpan.FromHours(4);
}
