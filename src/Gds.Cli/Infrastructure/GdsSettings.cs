namespace Gds.Cli.Infrastructure;

/// <summary>What every verb takes.</summary>
public class GdsSettings : CommandSettings
{
    [CommandOption("--verbose")]
    [Description("Debug logs for gds (secrets are still never printed).")]
    public bool Verbose { get; init; }

    /// <summary>The JSON settings file, when the verb has one other than ./gds.json.</summary>
    public virtual string? SettingsFile => null;

    /// <summary>The flags as configuration keys; they go on top of every other source.</summary>
    public virtual IEnumerable<KeyValuePair<string, string?>> ConfigurationOverrides() => [];

    /// <summary>A duration flag as the configuration binder reads a TimeSpan.</summary>
    protected static string? TimeSpanText(string? duration, string option) =>
        duration is null ? null : Gds.Contracts.Rules.DurationText.Parse(duration, option).ToString("c", System.Globalization.CultureInfo.InvariantCulture);
}
