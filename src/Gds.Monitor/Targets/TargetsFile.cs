using Gds.Contracts.Text;
using System.Text.RegularExpressions;
using Gds.Contracts.Rules;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gds.Monitor.Targets;

/// <summary>
/// Reads a targets file (<c>targets: [ {id, type, environment, connection, interval, timeout, tags, enabled} ]</c>).
/// It walks the YAML node tree rather than deserializing into classes so that every error can name the line, the
/// target and the field, and it reports all errors at once.
/// </summary>
public sealed partial class TargetsFile
{
    public string Path { get; }
    public IReadOnlyList<TargetDefinition> Targets { get; }

    /// <summary>Things that work but are probably not meant, e.g. a password written into the file.</summary>
    public IReadOnlyList<TargetsFileError> Warnings { get; }

    public IEnumerable<TargetDefinition> EnabledTargets => Targets.Where(t => t.Enabled);

    private TargetsFile(string path, IReadOnlyList<TargetDefinition> targets, IReadOnlyList<TargetsFileError> warnings)
    {
        Path = path;
        Targets = targets;
        Warnings = warnings;
    }

    private static readonly string[] Fields = ["id", "type", "environment", "connection", "interval", "timeout", "tags", "enabled"];

    public static TargetsFile Load(string path)
    {
        if (!File.Exists(path))
            throw new TargetsFileException([new TargetsFileError(path, 0, null, null, "the file does not exist")]);
        return Parse(File.ReadAllText(path), path);
    }

    public static TargetsFile Parse(string yaml, string fileName = "targets.yaml")
    {
        var errors = new List<TargetsFileError>();
        var warnings = new List<TargetsFileError>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            var inner = ex.InnerException?.Message is { } m ? $" ({m})" : "";
            throw new TargetsFileException([new TargetsFileError(fileName, (int)ex.Start.Line, null, null, $"not valid YAML: {ex.Message}{inner}")]);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new TargetsFileException([new TargetsFileError(fileName, 1, null, null, "expected a mapping with a 'targets' list")]);

        YamlSequenceNode? list = null;
        foreach (var (keyNode, valueNode) in root.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value;
            if (key == "targets")
            {
                if (valueNode is YamlSequenceNode seq) list = seq;
                else errors.Add(new TargetsFileError(fileName, Line(valueNode), null, "targets", "must be a list of targets"));
            }
            else
            {
                errors.Add(new TargetsFileError(fileName, Line(keyNode), null, key, "unknown top-level field (the file holds a 'targets' list)"));
            }
        }
        if (list is null && errors.Count == 0)
            errors.Add(new TargetsFileError(fileName, Line(root), null, "targets", "missing: the file must have a 'targets' list"));

        var targets = new List<TargetDefinition>();
        var seenIds = new Dictionary<string, int>(StringComparer.Ordinal);
        if (list is not null)
        {
            if (list.Children.Count == 0)
                errors.Add(new TargetsFileError(fileName, Line(list), null, "targets", "the list is empty"));
            var index = 0;
            foreach (var item in list.Children)
            {
                index++;
                var reader = new TargetReader(fileName, index, item, errors, warnings);
                var target = reader.Read();
                if (target is null) continue;
                if (seenIds.TryGetValue(target.Id, out var firstLine))
                {
                    errors.Add(new TargetsFileError(fileName, Line(item), target.Id, "id", $"duplicate: already used by the target at line {firstLine}"));
                    continue;
                }
                seenIds[target.Id] = Line(item);
                targets.Add(target);
            }
        }

        if (errors.Count > 0) throw new TargetsFileException(errors);
        return new TargetsFile(fileName, targets, warnings);
    }

    private static int Line(YamlNode node) => (int)node.Start.Line;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]*$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*$")]
    private static partial Regex EnvironmentPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex TagKeyPattern();

    [GeneratedRegex(@"(?i)(?:^|;)\s*(password|pwd)\s*=\s*([^;]*)")]
    private static partial Regex PasswordPair();

    /// <summary>Reads one list item, adding an error for each field that is wrong.</summary>
    private sealed class TargetReader(string file, int index, YamlNode node, List<TargetsFileError> errors, List<TargetsFileError> warnings)
    {
        private string? _id;

        private void Error(YamlNode at, string? field, string message) =>
            errors.Add(new TargetsFileError(file, Line(at), _id ?? $"#{index}", field, message));

        public TargetDefinition? Read()
        {
            if (node is not YamlMappingNode map)
            {
                Error(node, null, "each target must be a mapping (id, type, environment, connection, ...)");
                return null;
            }
            var before = errors.Count;
            var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            var unknown = new List<(string Key, YamlNode Node)>();
            foreach (var (k, v) in map.Children)
            {
                var key = ((YamlScalarNode)k).Value ?? "";
                if (Fields.Contains(key)) values[key] = v;
                else unknown.Add((key, k));
            }

            string? Scalar(string field, bool required)
            {
                if (!values.TryGetValue(field, out var v))
                {
                    if (required) Error(map, field, "missing (required)");
                    return null;
                }
                if (v is not YamlScalarNode s)
                {
                    Error(v, field, "must be a single value, not a list or mapping");
                    return null;
                }
                if (string.IsNullOrWhiteSpace(s.Value))
                {
                    if (required) Error(v, field, "is empty");
                    return null;
                }
                return s.Value.Trim();
            }

            var id = Scalar("id", required: true);
            if (id is not null)
            {
                if (IdPattern().IsMatch(id)) _id = id;
                else { _id = id; Error(values["id"], "id", $"'{id}' may hold only letters, digits and . _ : - (it becomes the Kafka key instance_id)"); }
            }

            // Reported once the id is known, so the message names the target.
            foreach (var (key, keyNode) in unknown)
            {
                var hint = Suggest(key);
                Error(keyNode, key, "unknown field" + (hint is null ? $" (known: {string.Join(", ", Fields)})" : $" (did you mean '{hint}'?)"));
            }

            var type = Scalar("type", required: true);
            if (type is not null && !DatabaseTypes.IsKnown(type))
                Error(values["type"], "type", $"'{type}' is not one of {string.Join(" | ", DatabaseTypes.All)}");

            var environment = Scalar("environment", required: true);
            if (environment is not null && !EnvironmentPattern().IsMatch(environment))
                Error(values["environment"], "environment", $"'{environment}' must be lower-case letters, digits, _ or - (it names the topic gds.metrics.TYPE.ENVIRONMENT)");

            SecretTemplate? connection = null;
            var connectionText = Scalar("connection", required: true);
            if (connectionText is not null)
            {
                try
                {
                    connection = SecretTemplate.Parse(connectionText);
                    if (type is not null && DatabaseTypes.IsKnown(type)) CheckConnection(type, connection, values["connection"]);
                }
                catch (FormatException ex)
                {
                    Error(values["connection"], "connection", ex.Message);
                }
            }

            var interval = Duration("interval", TargetDefaults.Interval);
            var timeout = Duration("timeout", TargetDefaults.Timeout);
            if (interval is { } i && i < TargetDefaults.MinInterval)
                Error(values["interval"], "interval", $"{DurationText.Format(i)} is too short (at least {DurationText.Format(TargetDefaults.MinInterval)})");
            if (timeout is { } t && t <= TimeSpan.Zero)
                Error(values.GetValueOrDefault("timeout") ?? map, "timeout", "must be longer than 0s");
            if (interval is { } iv && timeout is { } to && to > iv)
                Error(values.GetValueOrDefault("timeout") ?? map, "timeout", $"{DurationText.Format(to)} is longer than the interval {DurationText.Format(iv)}; a scrape must end before the next one starts");

            var enabled = true;
            if (Scalar("enabled", required: false) is { } enabledText)
            {
                if (!bool.TryParse(enabledText, out enabled))
                    Error(values["enabled"], "enabled", $"'{enabledText}' is not true or false");
            }

            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            if (values.TryGetValue("tags", out var tagsNode))
            {
                if (tagsNode is not YamlMappingNode tagMap)
                {
                    Error(tagsNode, "tags", "must be a mapping, e.g. {region: us-east-1, service: billing}");
                }
                else
                {
                    foreach (var (k, v) in tagMap.Children)
                    {
                        var key = ((YamlScalarNode)k).Value ?? "";
                        if (!TagKeyPattern().IsMatch(key)) Error(k, $"tags.{key}", "a tag name may hold only letters, digits and _");
                        else if (key is "environment") Error(k, "tags.environment", "set the environment with the 'environment' field, not as a tag");
                        else if (v is not YamlScalarNode sv) Error(v, $"tags.{key}", "a tag value must be a single value");
                        else tags[key] = sv.Value ?? "";
                    }
                }
            }

            if (errors.Count > before) return null;
            return new TargetDefinition
            {
                Id = id!,
                Type = type!,
                Environment = environment!,
                Connection = connection!,
                Interval = interval ?? TargetDefaults.Interval,
                Timeout = timeout ?? TargetDefaults.Timeout,
                Tags = tags,
                Enabled = enabled,
                Source = $"{file}:{Line(map)}",
            };

            TimeSpan? Duration(string field, TimeSpan fallback)
            {
                var text = Scalar(field, required: false);
                if (text is null) return fallback;
                if (DurationText.TryParse(text, out var value)) return value;
                Error(values[field], field, $"'{text}' is not a duration (use e.g. 500ms, 10s, 2m, 1h)");
                return null;
            }
        }

        /// <summary>
        /// Catches what can be known before connecting: misspelt connection-string keywords, a MongoDB URL without its
        /// scheme, a Snowflake connection without account or user, a password written in clear.
        /// </summary>
        private void CheckConnection(string type, SecretTemplate connection, YamlNode at)
        {
            if (connection.Text.StartsWith("file:", StringComparison.Ordinal)) return;
            var probe = connection.WithPlaceholders("0");
            switch (type)
            {
                case DatabaseTypes.PostgreSql:
                    Try(() => _ = new Npgsql.NpgsqlConnectionStringBuilder(probe));
                    break;
                case DatabaseTypes.SqlServer:
                    Try(() => _ = new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(probe));
                    break;
                case DatabaseTypes.MongoDb:
                    if (!probe.StartsWith("mongodb://", StringComparison.Ordinal) && !probe.StartsWith("mongodb+srv://", StringComparison.Ordinal)
                        && !probe.StartsWith('0'))
                        Error(at, "connection", "a MongoDB connection must be a mongodb:// or mongodb+srv:// URL");
                    break;
                case DatabaseTypes.Snowflake:
                    Try(() => Collectors.Snowflake.SnowflakeConnectionSettings.Validate(probe));
                    break;
            }
            foreach (Match m in PasswordPair().Matches(connection.Text))
            {
                var value = m.Groups[2].Value.Trim();
                if (value.Length > 0 && !value.Contains("${", StringComparison.Ordinal))
                    warnings.Add(new TargetsFileError(file, Line(at), _id, "connection",
                        "the password is written in the file; use ${ENV_VAR} or ${file:/path} so it stays out of configuration"));
            }

            void Try(Action check)
            {
                try { check(); }
                catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or KeyNotFoundException)
                {
                    Error(at, "connection", ex.Message);
                }
            }
        }

        private static string? Suggest(string key) => Suggestions.Closest(key.ToLowerInvariant(), Fields);
    }
}
