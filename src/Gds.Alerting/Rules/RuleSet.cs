namespace Gds.Alerting.Rules;

/// <summary>
/// The rules of several files read as one set, as `gds rules validate|publish` and `gds dev` take them: each path a
/// file or a folder (its *.yaml and *.yml files, in name order, not recursive), so a team publishes its packs with
/// `gds rules publish examples/rules`. A rule id or inhibition rule name must be unique across the whole set: on
/// gds.rules the second would silently replace the first.
/// </summary>
public sealed record RuleSet(IReadOnlyList<RuleFile> Files, IReadOnlyList<RuleFileError> Errors)
{
    public bool IsValid => Errors.Count == 0 && Files.All(f => f.IsValid);

    public IReadOnlyList<Gds.Contracts.Rules.Rule> Rules => Files.SelectMany(f => f.Rules).ToList();

    public IReadOnlyList<Gds.Contracts.Rules.InhibitRule> InhibitRules => Files.SelectMany(f => f.InhibitRules).ToList();

    /// <summary>Every error of every file, then those across files.</summary>
    public IEnumerable<RuleFileError> AllErrors => Files.SelectMany(f => f.Errors).Concat(Errors);

    public static RuleSet Read(IEnumerable<string> paths, RuleFileReader? reader = null)
    {
        reader ??= new RuleFileReader();
        var files = new List<RuleFile>();
        var errors = new List<RuleFileError>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var inFolder = Directory.EnumerateFiles(path)
                    .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal).ToList();
                if (inFolder.Count == 0) errors.Add(new RuleFileError(path, 0, 0, null, "folder", "holds no .yaml or .yml file"));
                files.AddRange(inFolder.Select(reader.ReadFile));
            }
            else files.Add(reader.ReadFile(path));
        }
        // A file named twice (a folder and one of its files) is one file.
        files = files.DistinctBy(f => Path.GetFullPath(f.Path)).ToList();
        var ruleAt = new Dictionary<string, RuleFile>(StringComparer.Ordinal);
        var inhibitAt = new Dictionary<string, RuleFile>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (var rule in file.Rules)
                if (!ruleAt.TryAdd(rule.Id, file))
                    errors.Add(new RuleFileError(file.Path, file.LineOf(rule.Id, "id"), 1, rule.Id, "id",
                        $"is also defined in {ruleAt[rule.Id].Path}:{ruleAt[rule.Id].LineOf(rule.Id, "id")}: rule ids must be unique across the files published together"));
            foreach (var inhibit in file.InhibitRules)
                if (!inhibitAt.TryAdd(inhibit.Name, file))
                    errors.Add(new RuleFileError(file.Path, 0, 0, null, "inhibit_rules",
                        $"'{inhibit.Name}' is also defined in {inhibitAt[inhibit.Name].Path}: names must be unique across the files published together"));
        }
        return new RuleSet(files, errors);
    }
}
