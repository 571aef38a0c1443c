namespace Gds.Handling.Silences;

/// <summary>
/// A silence as a person asks for it, before it is checked: the flags of `gds silence add` or the fields of the
/// ui's form, as typed. <see cref="SilenceRequest.TryBuild"/> turns it into the record both write.
/// </summary>
public sealed record SilenceDraft
{
    public IReadOnlyList<string> Match { get; init; } = [];
    /// <summary>An alert's dedup key: its identity and series labels become matchers.</summary>
    public string? Alert { get; init; }
    public string? For { get; init; }
    public string? StartsAt { get; init; }
    public string? EndsAt { get; init; }
    public IReadOnlyList<string> Schedule { get; init; } = [];
    public bool NotifyResolved { get; init; }
    public bool ExpireWhenClear { get; init; }
    public bool UntilResolved { get; init; }
    public string? By { get; init; }
    public string? Comment { get; init; }
    public string? Id { get; init; }
}

/// <summary>
/// What errors call each field: the command line names its flags, the ui its form fields, so a message points at
/// what the person typed.
/// </summary>
public sealed record SilenceFieldNames(string Match, string Alert, string For, string StartsAt, string EndsAt, string Schedule, string UntilResolved, string By, string Comment)
{
    public static readonly SilenceFieldNames CommandLine = new("--match", "--alert", "--for", "--starts-at", "--ends-at", "--schedule", "--until-resolved", "--by", "--comment");
}
