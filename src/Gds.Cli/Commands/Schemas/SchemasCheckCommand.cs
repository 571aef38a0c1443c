using Spectre.Console;
using Gds.Schemas.Compatibility;

namespace Gds.Cli.Commands.Schemas;

public sealed class SchemasCheckSettings : Gds.Cli.Infrastructure.GdsSettings
{
    [CommandOption("--dir <DIR>")]
    [Description("The folder of *.avsc files (default: schemas in the current git checkout's top folder).")]
    public string? Dir { get; init; }

    [CommandOption("--against <REV>")]
    [Description("Compare every file with its version at this git revision (default: each file's last committed version that differs from it).")]
    public string? Against { get; init; }

    [CommandOption("--level <LEVEL>")]
    [Description("The compatibility rule: FULL (default: new readers read old records and old readers read new ones, as a fleet upgraded process by process needs), BACKWARD (what the registry subjects enforce), FORWARD or NONE.")]
    [DefaultValue("FULL")]
    public string Level { get; init; } = "FULL";

    public override ValidationResult Validate() =>
        CompatibilityLevels.TryParse(Level, out var level) && !level.IsTransitive()
            ? ValidationResult.Success()
            : ValidationResult.Error($"--level {Level}: expected BACKWARD, FORWARD, FULL or NONE");
}

/// <summary>
/// `gds schemas check`: each schemas/*.avsc against its previous version in git; exit 1 when any change would stop
/// readers reading, so CI refuses it before a registry does.
/// </summary>
public sealed class SchemasCheckCommand : Command<SchemasCheckSettings>
{
    public override int Execute(CommandContext context, SchemasCheckSettings settings, CancellationToken cancellationToken)
    {
        CompatibilityLevels.TryParse(settings.Level, out var level);
        var dir = settings.Dir ?? Path.Combine(GitFileHistory.Open(Directory.GetCurrentDirectory())?.Top ?? Directory.GetCurrentDirectory(), "schemas");
        if (!Directory.Exists(dir)) throw new UsageException(settings.Dir is null ? $"no schemas folder at {dir} (give --dir)" : $"--dir {dir}: no such folder");
        var git = GitFileHistory.Open(dir);
        if (git is null && settings.Against is not null)
            throw new UsageException($"--against {settings.Against}: {dir} is not inside a git checkout");
        var against = settings.Against is null ? null : git!.Resolve(settings.Against)
            ?? throw new UsageException($"--against {settings.Against}: no such revision in {dir}'s git checkout");

        var files = Directory.GetFiles(dir, "*.avsc").Order(StringComparer.Ordinal).ToList();
        var current = files.Select(f => (Name: Path.GetFileName(f), Text: File.ReadAllText(f))).ToList();
        var parsed = current.Select(f => (f.Name, f.Text, Schema: Parse(f.Text, Path.Combine(dir, f.Name)))).ToList();
        if (git is null)
        {
            Console.WriteLine($"{dir} is not inside a git checkout: {files.Count} schema(s) parsed, nothing to compare them with.");
            return ExitCodes.Ok;
        }

        var incompatible = 0;
        foreach (var (name, text, schema) in parsed)
        {
            var path = git.PathOf(name);
            var baseline = against is null ? LastDifferent(git, path, text) : Baseline(git, against, path);
            if (baseline is null)
            {
                Console.WriteLine(against is null ? $"{name}: new schema" : $"{name}: new schema (not in {GitFileHistory.Short(against)})");
                continue;
            }
            if (baseline.Value.Text == text)
            {
                Console.WriteLine($"{name}: unchanged");
                continue;
            }
            Avro.Schema old;
            try { old = Avro.Schema.Parse(baseline.Value.Text); }
            catch (Exception ex) when (ex is Avro.SchemaParseException or Avro.AvroException or Newtonsoft.Json.JsonException)
            {
                Console.WriteLine($"{name}: not compared: its version at {GitFileHistory.Short(baseline.Value.Commit)} does not parse ({ex.Message})");
                continue;
            }
            var problems = SchemaCompatibility.Check(schema, old, level);
            if (problems.Count == 0)
            {
                Console.WriteLine($"{name}: compatible with {GitFileHistory.Short(baseline.Value.Commit)}");
                continue;
            }
            incompatible++;
            Console.WriteLine($"{name}: INCOMPATIBLE with {GitFileHistory.Short(baseline.Value.Commit)} ({level.Name()})");
            foreach (var p in problems) Console.WriteLine($"  {p}");
        }
        Console.WriteLine($"{files.Count} schema(s) checked ({level.Name()}): {(incompatible == 0 ? "all compatible" : $"{incompatible} incompatible")}");
        return incompatible == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static Avro.Schema Parse(string text, string file)
    {
        try { return Avro.Schema.Parse(text); }
        catch (Exception ex) when (ex is Avro.SchemaParseException or Avro.AvroException or Newtonsoft.Json.JsonException)
        {
            throw new UsageException($"{file}: not a valid Avro schema: {ex.Message}");
        }
    }

    /// <summary>
    /// The newest committed version whose text differs from the file: HEAD's for an uncommitted edit, the one
    /// before for a committed change. Null when git has no version (a new file); the file's own text when every
    /// version equals it (unchanged).
    /// </summary>
    private static (string Commit, string Text)? LastDifferent(GitFileHistory git, string path, string text)
    {
        (string, string)? same = null;
        foreach (var commit in git.CommitsOf(path))
        {
            var content = git.ContentAt(commit, path);
            if (content is null) continue; // the commit deleted it
            if (content != text) return (commit, content);
            same ??= (commit, content);
        }
        return same;
    }

    private static (string Commit, string Text)? Baseline(GitFileHistory git, string commit, string path) =>
        git.ContentAt(commit, path) is { } content ? (commit, content) : null;
}
