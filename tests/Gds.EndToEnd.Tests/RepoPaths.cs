namespace Gds.EndToEnd.Tests;

internal static class RepoPaths
{
    public static string Root { get; } = Find();

    public static string Examples(string file) => Path.Combine(Root, "examples", file);

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GdsStreams.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("GdsStreams.sln not found above " + AppContext.BaseDirectory);
    }
}

internal static class Eventually
{
    /// <summary>Polls until the condition holds; fails with the description when the deadline passes.</summary>
    /// <param name="state">What the failure message adds about the state it ended in, to tell a slow wait from a stuck one.</param>
    public static Task Until(Func<bool> condition, TimeSpan timeout, string what, Func<string>? state = null) =>
        Until(() => Task.FromResult(condition()), timeout, what, state);

    /// <summary>The same, for a condition that has to wait for an answer (an HTTP endpoint).</summary>
    public static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string>? state = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out after {timeout} waiting for {what}" + (state is null ? "" : " (" + state() + ")"));
            await Task.Delay(100);
        }
    }
}
