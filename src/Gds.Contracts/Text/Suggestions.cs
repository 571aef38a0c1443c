namespace Gds.Contracts.Text;

/// <summary>"Did you mean …?" for configuration files: the known name closest to a misspelt one.</summary>
public static class Suggestions
{
    /// <summary>The candidate within <paramref name="maxDistance"/> edits of <paramref name="text"/>, closest first; null if none.</summary>
    public static string? Closest(string text, IEnumerable<string> candidates, int maxDistance = 2) =>
        candidates.Select(c => (c, d: Distance(c, text))).Where(x => x.d <= maxDistance).OrderBy(x => x.d).Select(x => x.c).FirstOrDefault();

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        for (var j = 1; j <= b.Length; j++)
            d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
