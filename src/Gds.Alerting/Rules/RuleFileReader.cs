using System.Globalization;
using Gds.Alerting.Kinds;
using Gds.Contracts.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gds.Alerting.Rules;

/// <summary>
/// Reads a rules YAML file into <see cref="Rule"/> records and reports every problem with its line, column and
/// field: unknown keys (typos), wrong types, invalid values, duplicate ids. Nothing half-read is returned as valid.
/// </summary>
public sealed class RuleFileReader(RuleKindRegistry? kinds = null)
{
    private readonly RuleKindRegistry _kinds = kinds ?? RuleKindRegistry.Default;

    private static readonly HashSet<string> RuleKeys =
    [
        "id", "kind", "selector", "severity", "labels", "annotations", "routing_key", "op", "value", "rate", "per", "resolve_value",
        "for", "keep_firing_for", "repeat_interval", "group_by", "escalation", "objective", "period", "bad_metric",
        "total_metric", "windows", "warmup", "sensitivity", "direction", "seasonality", "timeout", "scope", "description",
    ];

    private static readonly HashSet<string> SelectorKeys = ["metric", "database_type", "environment", "instance", "tags"];

    public RuleFile ReadFile(string path)
    {
        if (!File.Exists(path))
            return new RuleFile(path, [], [new RuleFileError(path, 0, 0, null, "file", "does not exist")]);
        return Read(path, File.ReadAllText(path));
    }

    public RuleFile Read(string path, string yaml)
    {
        var errors = new List<RuleFileError>();
        var rules = new List<Rule>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            errors.Add(new RuleFileError(path, (int)ex.Start.Line, (int)ex.Start.Column, null, "yaml", ex.InnerException?.Message ?? ex.Message));
            return new RuleFile(path, rules, errors);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails without a position on some malformed input (an unclosed '{' or '[').
            var (line, column, message) = YamlSyntaxError.Locate(yaml);
            errors.Add(new RuleFileError(path, line, column, null, "yaml", message));
            return new RuleFile(path, rules, errors);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            errors.Add(new RuleFileError(path, 1, 1, null, "rules", "the file must be a mapping with a 'rules:' list"));
            return new RuleFile(path, rules, errors);
        }

        YamlSequenceNode? list = null;
        YamlNode? inhibitNode = null;
        foreach (var (k, v) in root.Children)
        {
            var key = ((YamlScalarNode)k).Value;
            if (key == "rules")
            {
                if (v is YamlSequenceNode seq) list = seq;
                else errors.Add(At(path, v, null, "rules", "must be a list of rules"));
            }
            else if (key == "inhibit_rules") inhibitNode = v;
            else errors.Add(At(path, k, null, key ?? "?", "unknown top-level key (expected 'rules' or 'inhibit_rules')"));
        }
        // A file may hold only inhibition rules; otherwise it must have its rules list.
        if (list is null && inhibitNode is null)
        {
            if (errors.Count == 0) errors.Add(new RuleFileError(path, 1, 1, null, "rules", "missing: the file must have a 'rules:' list"));
            return new RuleFile(path, rules, errors);
        }

        var seen = new Dictionary<string, Mark>(StringComparer.Ordinal);
        var fieldLines = new Dictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.Ordinal);
        foreach (var node in list?.Children ?? [])
        {
            if (node is not YamlMappingNode map)
            {
                errors.Add(At(path, node, null, "rules[]", "each rule must be a mapping"));
                continue;
            }
            var ctx = new RuleContext(path, map, errors);
            var rule = ReadRule(ctx);
            if (rule is null) continue;
            if (seen.TryGetValue(rule.Id, out var first))
            {
                ctx.Error("id", $"duplicate id (first defined at line {first.Line})");
                continue;
            }
            seen[rule.Id] = map.Start;
            var before = errors.Count;
            foreach (var (field, message) in RuleValidator.Validate(rule, _kinds))
                ctx.Error(field, message);
            if (errors.Count != before) continue;
            rules.Add(rule);
            fieldLines[rule.Id] = ctx.Positions.ToDictionary(p => p.Key, p => (int)p.Value.Line, StringComparer.Ordinal);
        }
        var inhibitRules = inhibitNode is null ? [] : Inhibition.InhibitRuleReader.Read(path, inhibitNode, errors);
        return new RuleFile(path, rules, errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToList()) { InhibitRules = inhibitRules, FieldLines = fieldLines };
    }

    private static Rule? ReadRule(RuleContext c)
    {
        var id = c.String("id");
        c.RuleId = id;
        foreach (var (k, _) in c.Mapping.Children)
        {
            var key = ((YamlScalarNode)k).Value!;
            c.Positions[key] = k.Start;
            if (!RuleKeys.Contains(key)) c.ErrorAt(k, key, "unknown field" + Suggest(key));
        }
        var kind = c.String("kind");
        if (id is null) c.Error("id", "is required");
        if (kind is null) c.Error("kind", "is required (threshold, burn_rate, anomaly or absence)");
        var selector = ReadSelector(c);
        if (id is null || kind is null || selector is null) return null;

        var annotations = c.Map("annotations") ?? new Dictionary<string, string>();
        if (c.String("description") is { } d) annotations["description"] = d;
        return new Rule
        {
            Id = id,
            Kind = kind,
            Selector = selector,
            Severity = c.String("severity") ?? Severities.Warning,
            Labels = c.Map("labels") ?? new Dictionary<string, string>(),
            Annotations = annotations,
            RoutingKey = c.String("routing_key"),
            Op = c.String("op"),
            Value = c.Number("value"),
            Rate = c.Bool("rate") ?? false,
            Per = c.String("per"),
            ResolveValue = c.Number("resolve_value"),
            For = c.String("for"),
            KeepFiringFor = c.String("keep_firing_for"),
            RepeatInterval = c.String("repeat_interval"),
            GroupBy = c.StringList("group_by"),
            Escalation = c.ObjectList("escalation", m => new EscalationStep
            {
                After = m.String("after") ?? m.Missing("after"),
                Severity = m.String("severity"),
                RoutingKey = m.String("routing_key"),
            }, ["after", "severity", "routing_key"]),
            Objective = c.Number("objective"),
            Period = c.String("period"),
            BadMetric = c.String("bad_metric"),
            TotalMetric = c.String("total_metric"),
            Windows = c.ObjectList("windows", m => new BurnRateWindow
            {
                Long = m.String("long") ?? m.Missing("long"),
                Short = m.String("short") ?? m.Missing("short"),
                Factor = m.Number("factor") ?? m.MissingNumber("factor"),
                Severity = m.String("severity"),
            }, ["long", "short", "factor", "severity"]),
            Warmup = c.String("warmup"),
            Sensitivity = c.Number("sensitivity"),
            Direction = c.String("direction"),
            Seasonality = c.String("seasonality"),
            Timeout = c.String("timeout"),
            Scope = c.String("scope"),
        };
    }

    private static RuleSelector? ReadSelector(RuleContext c)
    {
        var node = c.Node("selector");
        if (node is null) { c.Error("selector", "is required"); return null; }
        if (node is not YamlMappingNode map) { c.Error("selector", "must be a mapping like {metric: ..., database_type: ...}"); return null; }
        var s = new RuleContext(c.Path, map, c.Errors) { RuleId = c.RuleId, Prefix = "selector." };
        foreach (var (k, _) in map.Children)
        {
            var key = ((YamlScalarNode)k).Value!;
            s.Positions[key] = k.Start;
            if (!SelectorKeys.Contains(key)) s.ErrorAt(k, key, "unknown selector field");
            c.Positions["selector." + key] = k.Start;
        }
        return new RuleSelector
        {
            Metric = s.String("metric"),
            DatabaseType = s.String("database_type"),
            Environment = s.String("environment"),
            Instance = s.String("instance"),
            Tags = s.Map("tags"),
        };
    }

    private static string Suggest(string key) =>
        Suggestions.Closest(key, RuleKeys) is { } best ? $" (did you mean '{best}'?)" : "";

    private static RuleFileError At(string path, YamlNode node, string? ruleId, string field, string message) =>
        new(path, (int)node.Start.Line, (int)node.Start.Column, ruleId, field, message);

    /// <summary>Reads typed fields of one mapping and remembers where each was, for later validation errors.</summary>
    private sealed class RuleContext(string path, YamlMappingNode map, List<RuleFileError> errors)
    {
        public string Path { get; } = path;
        public YamlMappingNode Mapping { get; } = map;
        public List<RuleFileError> Errors { get; } = errors;
        public Dictionary<string, Mark> Positions { get; } = new(StringComparer.Ordinal);
        public string? RuleId { get; set; }
        public string Prefix { get; init; } = "";

        public YamlNode? Node(string key) =>
            Mapping.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

        public HashSet<string> Failed { get; } = new(StringComparer.Ordinal);

        public void Error(string field, string message)
        {
            if (!Failed.Add(field) && message.StartsWith("is required", StringComparison.Ordinal)) return;
            var mark = Positions.TryGetValue(field, out var m) ? m
                : Positions.TryGetValue(field.Split('[', '.')[0], out var m2) ? m2 : Mapping.Start;
            Errors.Add(new RuleFileError(Path, (int)mark.Line, (int)mark.Column, RuleId, Prefix + field, message));
        }

        public void ErrorAt(YamlNode node, string field, string message)
        {
            Failed.Add(field);
            Errors.Add(new RuleFileError(Path, (int)node.Start.Line, (int)node.Start.Column, RuleId, Prefix + field, message));
        }

        public string? String(string key)
        {
            var n = Node(key);
            if (n is null) return null;
            if (n is YamlScalarNode s) return s.Value is null or "~" or "null" && s.Style == ScalarStyle.Plain ? null : s.Value;
            ErrorAt(n, key, "must be a single value");
            return null;
        }

        public double? Number(string key)
        {
            var text = String(key);
            if (text is null) return null;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return v;
            ErrorAt(Node(key)!, key, $"'{text}' is not a number");
            return null;
        }

        public bool? Bool(string key)
        {
            var text = String(key);
            if (text is null) return null;
            if (bool.TryParse(text, out var b)) return b;
            ErrorAt(Node(key)!, key, $"'{text}' is not true or false");
            return null;
        }

        public Dictionary<string, string>? Map(string key)
        {
            var n = Node(key);
            if (n is null) return null;
            if (n is not YamlMappingNode m) { ErrorAt(n, key, "must be a mapping of names to values"); return null; }
            var d = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in m.Children)
            {
                if (v is YamlScalarNode sv) d[((YamlScalarNode)k).Value!] = sv.Value ?? "";
                else ErrorAt(v, $"{key}.{((YamlScalarNode)k).Value}", "must be a single value");
            }
            return d;
        }

        public IReadOnlyList<string>? StringList(string key)
        {
            var n = Node(key);
            if (n is null) return null;
            if (n is YamlSequenceNode seq && seq.Children.All(c => c is YamlScalarNode))
                return seq.Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToList();
            ErrorAt(n, key, "must be a list of names");
            return null;
        }

        public IReadOnlyList<T>? ObjectList<T>(string key, Func<RuleContext, T> read, HashSet<string> allowed)
        {
            var n = Node(key);
            if (n is null) return null;
            if (n is not YamlSequenceNode seq) { ErrorAt(n, key, "must be a list"); return null; }
            var list = new List<T>();
            for (var i = 0; i < seq.Children.Count; i++)
            {
                if (seq.Children[i] is not YamlMappingNode m) { ErrorAt(seq.Children[i], $"{key}[{i}]", "must be a mapping"); continue; }
                var item = new RuleContext(Path, m, Errors) { RuleId = RuleId, Prefix = $"{Prefix}{key}[{i}]." };
                foreach (var (k, _) in m.Children)
                {
                    var name = ((YamlScalarNode)k).Value!;
                    Positions[$"{key}[{i}].{name}"] = k.Start;
                    if (!allowed.Contains(name)) item.ErrorAt(k, name, "unknown field");
                }
                try { list.Add(read(item)); }
                catch (MissingFieldException) { /* reported by Missing */ }
            }
            return list;
        }

        public string Missing(string field)
        {
            Error(field, "is required");
            throw new MissingFieldException(field);
        }

        public double MissingNumber(string field)
        {
            Error(field, "is required");
            throw new MissingFieldException(field);
        }
    }
}
