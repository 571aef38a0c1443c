using Gds.Alerting.Rules;

namespace Gds.Cli.Commands.Rules;

public sealed class RulesValidateSettings : Gds.Cli.Infrastructure.GdsSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("Rules YAML files or folders of them (every *.yaml and *.yml inside), e.g. examples/rules.")]
    public string[] Files { get; init; } = [];
}

/// <summary>`gds rules validate FILE...`: every error with file, line and field; exit 1 when any.</summary>
public sealed class RulesValidateCommand : Command<RulesValidateSettings>
{
    public override int Execute(CommandContext context, RulesValidateSettings settings, CancellationToken cancellationToken)
    {
        var set = RuleSet.Read(settings.Files);
        return RuleFileReport.Print(set) ? ExitCodes.Ok : ExitCodes.Failed;
    }
}

internal static class RuleFileReport
{
    /// <summary>
    /// Every error of the set to stderr, and nothing else when there is one; else each file's warnings and summary
    /// line. True when the whole set is valid.
    /// </summary>
    public static bool Print(RuleSet set)
    {
        if (!set.IsValid)
        {
            var errors = set.AllErrors.ToList();
            foreach (var e in errors) Console.Error.WriteLine(e.ToString());
            Console.Error.WriteLine($"{string.Join(", ", set.Files.Select(f => f.Path))}: {errors.Count} error(s); nothing was published.");
            return false;
        }
        foreach (var file in set.Files) Print(file);
        if (set.Files.Count > 1) Console.WriteLine($"{set.Files.Count} files: {set.Rules.Count} rule(s) valid");
        return true;
    }

    /// <summary>
    /// Prints errors to stderr, or catalogue warnings to stderr and a one-line summary to stdout; true when the file
    /// is valid (warnings do not make it invalid).
    /// </summary>
    public static bool Print(RuleFile file)
    {
        if (!file.IsValid)
        {
            foreach (var e in file.Errors) Console.Error.WriteLine(e.ToString());
            Console.Error.WriteLine($"{file.Path}: {file.Errors.Count} error(s); nothing was published.");
            return false;
        }
        var warnings = RuleFileWarnings.Check(file);
        foreach (var w in warnings) Console.Error.WriteLine("warning: " + w);
        var kinds = file.Rules.GroupBy(r => r.Kind).Select(g => $"{g.Count()} {g.Key}");
        Console.WriteLine($"{file.Path}: {file.Rules.Count} rule(s) valid ({string.Join(", ", kinds)})"
                          + (file.InhibitRules.Count > 0 ? $", {file.InhibitRules.Count} inhibition rule(s)" : "")
                          + (warnings.Count > 0 ? $", {warnings.Count} warning(s)" : ""));
        return true;
    }
}
