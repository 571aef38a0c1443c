namespace Gds.Monitor.Tests.Support;

/// <summary>Waits for a condition with a deadline instead of sleeping and hoping.</summary>
public static class Eventually
{
    public static async Task True(Func<bool> condition, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within {within}: {what}");
            await Task.Delay(20);
        }
    }
}
