using Avro;
using Gds.Schemas.Compatibility;

namespace Gds.Schemas.Registry;

/// <summary>A schema as the registry holds it: its global id, the text first registered, that text parsed, and the form it is compared by.</summary>
public sealed record StoredSchema(int Id, string Text, Schema Parsed, string Canonical);

/// <summary>One version of a subject.</summary>
public sealed record SubjectVersion(string Subject, int Version, StoredSchema Schema);

/// <summary>
/// The registry's state, in memory: subjects and their versions, schemas by global id (one id per distinct schema,
/// shared by every subject that registers it, as Confluent's registry does), and compatibility levels. One lock
/// guards it all: registrations are rare and tiny next to the records they describe.
/// </summary>
public sealed class SchemaRegistryStore
{
    private readonly object gate = new();
    private readonly Dictionary<string, List<SubjectVersion>> subjects = new(StringComparer.Ordinal);
    private readonly List<StoredSchema> byId = [];
    private readonly Dictionary<string, StoredSchema> byCanonical = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CompatibilityLevel> subjectLevels = new(StringComparer.Ordinal);
    private CompatibilityLevel globalLevel = CompatibilityLevel.Backward;

    /// <summary>
    /// Registers a schema under a subject: the version it already has when the subject holds the same schema, else
    /// a new version once the schema passes the subject's compatibility level against the versions before it.
    /// </summary>
    public SubjectVersion Register(string subject, string text)
    {
        var parsed = Parse(text);
        var canonical = Canonical(parsed);
        lock (gate)
        {
            var versions = subjects.GetValueOrDefault(subject) ?? [];
            if (versions.FirstOrDefault(v => v.Schema.Canonical == canonical) is { } existing) return existing;
            var level = LevelOf(subject);
            var problems = SchemaCompatibility.Check(parsed, versions.Select(v => v.Schema.Parsed).ToList(), level);
            if (problems.Count > 0)
                throw RegistryError.Incompatible(
                    $"Schema being registered is incompatible with an earlier schema for subject \"{subject}\" ({level.Name()}): {string.Join("; ", problems)}");
            if (!byCanonical.TryGetValue(canonical, out var stored))
            {
                stored = new StoredSchema(byId.Count + 1, text, parsed, canonical);
                byId.Add(stored);
                byCanonical[canonical] = stored;
            }
            var added = new SubjectVersion(subject, versions.Count + 1, stored);
            versions.Add(added);
            subjects[subject] = versions;
            return added;
        }
    }

    /// <summary>The version of a subject that holds this schema.</summary>
    public SubjectVersion Lookup(string subject, string text)
    {
        var canonical = Canonical(Parse(text));
        lock (gate)
        {
            var versions = subjects.GetValueOrDefault(subject) ?? throw RegistryError.SubjectNotFound(subject);
            return versions.FirstOrDefault(v => v.Schema.Canonical == canonical)
                   ?? throw RegistryError.SchemaNotFound($"the schema is not registered under subject '{subject}'");
        }
    }

    public StoredSchema ById(int id)
    {
        lock (gate)
            return id >= 1 && id <= byId.Count ? byId[id - 1] : throw RegistryError.SchemaNotFound($"no schema has id {id}");
    }

    /// <summary>Every subject and version that holds the schema of this id.</summary>
    public IReadOnlyList<SubjectVersion> UsesOf(int id)
    {
        var schema = ById(id);
        lock (gate)
            return subjects.Values.SelectMany(v => v).Where(v => v.Schema == schema).OrderBy(v => v.Subject, StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<string> Subjects()
    {
        lock (gate) return subjects.Keys.Order(StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<SubjectVersion> Versions(string subject)
    {
        lock (gate) return (subjects.GetValueOrDefault(subject) ?? throw RegistryError.SubjectNotFound(subject)).ToList();
    }

    /// <summary>A version by number or "latest" (-1 is latest too, as Confluent's registry reads it).</summary>
    public SubjectVersion Version(string subject, string version)
    {
        var versions = Versions(subject);
        if (version == "latest" || version == "-1") return versions[^1];
        if (!int.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1)
            throw RegistryError.InvalidVersion(version);
        return n <= versions.Count ? versions[n - 1] : throw RegistryError.VersionNotFound(subject, version);
    }

    /// <summary>
    /// Problems of a schema against one version of a subject (at the direction of the subject's level), or against
    /// the versions its level asks for when <paramref name="version"/> is null or "latest".
    /// </summary>
    public IReadOnlyList<SchemaProblem> TestCompatibility(string subject, string? version, string text)
    {
        var parsed = Parse(text);
        var level = LevelOf(subject);
        var versions = Versions(subject);
        if (version is null || version == "latest" || version == "-1")
            return SchemaCompatibility.Check(parsed, versions.Select(v => v.Schema.Parsed).ToList(), level);
        var against = Version(subject, version);
        return SchemaCompatibility.Check(parsed, against.Schema.Parsed, NonTransitive(level));
    }

    public CompatibilityLevel GlobalLevel
    {
        get { lock (gate) return globalLevel; }
        set { lock (gate) globalLevel = value; }
    }

    /// <summary>The subject's own level, or null when it follows the global one.</summary>
    public CompatibilityLevel? SubjectLevel(string subject)
    {
        lock (gate) return subjectLevels.TryGetValue(subject, out var level) ? level : null;
    }

    public void SetSubjectLevel(string subject, CompatibilityLevel level)
    {
        lock (gate) subjectLevels[subject] = level;
    }

    public CompatibilityLevel LevelOf(string subject)
    {
        lock (gate) return subjectLevels.TryGetValue(subject, out var level) ? level : globalLevel;
    }

    private static CompatibilityLevel NonTransitive(CompatibilityLevel level) => level switch
    {
        CompatibilityLevel.BackwardTransitive => CompatibilityLevel.Backward,
        CompatibilityLevel.ForwardTransitive => CompatibilityLevel.Forward,
        CompatibilityLevel.FullTransitive => CompatibilityLevel.Full,
        _ => level,
    };

    private static Schema Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw RegistryError.InvalidSchema("the request has no schema");
        try { return Schema.Parse(text); }
        catch (Exception ex) when (ex is SchemaParseException or AvroException or Newtonsoft.Json.JsonException)
        {
            throw RegistryError.InvalidSchema(ex.Message);
        }
    }

    /// <summary>
    /// The schema as Apache.Avro writes it back: the same schema in other whitespace or key order is the same
    /// schema, so it keeps its id and version.
    /// </summary>
    private static string Canonical(Schema schema) => schema.ToString();
}
