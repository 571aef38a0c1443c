namespace Gds.Notify.Tests.Support;

/// <summary>Waits for a condition with a deadline, checking often; fails with a message saying what never happened.</summary>
public static class Eventually
{
    public static async Task True(Func<bool> condition, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"timed out waiting for: {what}");
            await Task.Delay(20);
        }
    }

    /// <summary>Asserts the condition stays true for a while (used only where "nothing more happens" is the claim).</summary>
    public static async Task Stays(Func<bool> condition, string what, TimeSpan during)
    {
        var end = DateTime.UtcNow + during;
        while (DateTime.UtcNow < end)
        {
            if (!condition()) throw new Xunit.Sdk.XunitException($"no longer true: {what}");
            await Task.Delay(20);
        }
    }
}
