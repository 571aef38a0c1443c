using Gds.Contracts.Rules;

namespace Gds.Cli.Infrastructure;

/// <summary>One wording, for every verb, of a duration option that does not read as one.</summary>
public static class DurationOptions
{
    /// <returns>Null when <paramref name="text"/> is a duration (durations are never negative); else the error.</returns>
    public static string? Problem(string option, string text, string example) =>
        DurationText.TryParse(text, out _) ? null : $"{option}: '{text}' is not a duration (use e.g. {example})";
}
