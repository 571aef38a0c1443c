using Gds.Alerting.Rules;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gds.Alerting.Inhibition;

/// <summary>
/// Reads the rules file's top-level <c>inhibit_rules:</c> list. Every problem is reported at the line and column
/// of the offending node (a bad matcher at the matcher itself), under the field
/// <c>inhibit_rules[i].source_matchers[j]</c>; a rule with any error is left out.
/// </summary>
public static class InhibitRuleReader
{
    private static readonly HashSet<string> Keys = ["name", "description", "source_matchers", "target_matchers", "equal"];

    public static IReadOnlyList<InhibitRule> Read(string path, YamlNode node, List<RuleFileError> errors)
    {
        var rules = new List<InhibitRule>();
        if (node is not YamlSequenceNode seq)
        {
            errors.Add(At(path, node, "inhibit_rules", "must be a list of inhibition rules"));
            return rules;
        }
        var seen = new Dictionary<string, Mark>(StringComparer.Ordinal);
        for (var i = 0; i < seq.Children.Count; i++)
        {
            var prefix = $"inhibit_rules[{i}]";
            if (seq.Children[i] is not YamlMappingNode map)
            {
                errors.Add(At(path, seq.Children[i], prefix, "each inhibition rule must be a mapping"));
                continue;
            }
            var before = errors.Count;
            foreach (var (k, _) in map.Children)
            {
                var key = ((YamlScalarNode)k).Value ?? "";
                if (!Keys.Contains(key))
                    errors.Add(At(path, k, $"{prefix}.{key}", "unknown field (expected name, description, source_matchers, target_matchers, equal)"));
            }
            var name = Scalar(path, map, "name", prefix, errors);
            if (name is null && Child(map, "name") is null) errors.Add(At(path, map, $"{prefix}.name", "is required"));
            var description = Scalar(path, map, "description", prefix, errors);
            var source = List(path, map, "source_matchers", prefix, errors, required: true);
            var target = List(path, map, "target_matchers", prefix, errors, required: true);
            var equal = List(path, map, "equal", prefix, errors, required: false) ?? [];
            if (source is not null) CheckMatchers(path, map, "source_matchers", prefix, source, errors);
            if (target is not null) CheckMatchers(path, map, "target_matchers", prefix, target, errors);
            var equalNode = Child(map, "equal") as YamlSequenceNode;
            for (var j = 0; j < equal.Count; j++)
                if (!Matchers.LabelNames.IsValid(equal[j]))
                    errors.Add(At(path, equalNode!.Children[j], $"{prefix}.equal[{j}]", $"'{equal[j]}' is not a label name"));
            if (name is not null)
            {
                if (seen.TryGetValue(name, out var first))
                    errors.Add(At(path, Child(map, "name")!, $"{prefix}.name", $"duplicate name '{name}' (first defined at line {first.Line})"));
                else seen[name] = map.Start;
            }
            if (errors.Count == before && name is not null && source is not null && target is not null)
                rules.Add(new InhibitRule { Name = name, Description = description, SourceMatchers = source, TargetMatchers = target, Equal = equal });
        }
        return rules;
    }

    private static void CheckMatchers(string path, YamlMappingNode map, string key, string prefix, IReadOnlyList<string> texts, List<RuleFileError> errors)
    {
        var seq = (YamlSequenceNode)Child(map, key)!;
        for (var j = 0; j < texts.Count; j++)
            if (!Matchers.MatcherParser.TryParse(texts[j], out _, out var error))
                errors.Add(At(path, seq.Children[j], $"{prefix}.{key}[{j}]", error!));
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    private static string? Scalar(string path, YamlMappingNode map, string key, string prefix, List<RuleFileError> errors)
    {
        var n = Child(map, key);
        if (n is null) return null;
        if (n is YamlScalarNode { Value: { Length: > 0 } v }) return v;
        errors.Add(At(path, n, $"{prefix}.{key}", "must be a non-empty single value"));
        return null;
    }

    private static IReadOnlyList<string>? List(string path, YamlMappingNode map, string key, string prefix, List<RuleFileError> errors, bool required)
    {
        var n = Child(map, key);
        if (n is null)
        {
            if (required) errors.Add(At(path, map, $"{prefix}.{key}", "is required (a list of matchers such as 'instance_id=prod-db-01')"));
            return null;
        }
        if (n is YamlSequenceNode seq && seq.Children.All(c => c is YamlScalarNode))
        {
            var list = seq.Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToList();
            if (required && list.Count == 0) errors.Add(At(path, n, $"{prefix}.{key}", "must not be empty"));
            return list;
        }
        errors.Add(At(path, n, $"{prefix}.{key}", "must be a list of strings, e.g. ['rule_id=collector-down']"));
        return null;
    }

    private static RuleFileError At(string path, YamlNode node, string field, string message) =>
        new(path, (int)node.Start.Line, (int)node.Start.Column, null, field, message);
}
