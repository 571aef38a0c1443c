namespace Gds.Cli.Dev.Fleet;

/// <summary>Deterministic variation: the same seed and the same calls give the same values.</summary>
internal static class Wobble
{
    /// <summary>A value within ± <paramref name="spread"/> of <paramref name="center"/>.</summary>
    public static double Around(this Random random, double center, double spread) => center + (random.NextDouble() * 2 - 1) * spread;

    /// <summary>A slow swing of ± <paramref name="amplitude"/> with the given period, so gauges drift the way load does.</summary>
    public static double Swing(TimeSpan t, double amplitude, double periodSeconds, double phase = 0) =>
        amplitude * Math.Sin(2 * Math.PI * t.TotalSeconds / periodSeconds + phase);

    /// <summary>A seed that is the same in every process (unlike string.GetHashCode): FNV-1a over the text.</summary>
    public static int Seed(int seed, string text)
    {
        var h = 2166136261u ^ (uint)seed;
        foreach (var c in text) { h ^= c; h *= 16777619; }
        return (int)(h & 0x7fffffff);
    }

    /// <summary>A correlation id drawn from the server's own sequence: one per scrape, the same on every run.</summary>
    public static string NextGuid(this Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }
}
