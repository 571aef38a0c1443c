using Avro;

namespace Gds.Schemas.Compatibility;

/// <summary>A schema change judged at a registry compatibility level, against one or all earlier versions.</summary>
public static class SchemaCompatibility
{
    /// <param name="candidate">The new schema.</param>
    /// <param name="existing">The subject's versions so far, oldest first (version 1 first).</param>
    /// <returns>Every problem; empty when the change is compatible. A transitive check names the version each
    /// problem is against when it is not the latest.</returns>
    public static IReadOnlyList<SchemaProblem> Check(Schema candidate, IReadOnlyList<Schema> existing, CompatibilityLevel level)
    {
        if (level == CompatibilityLevel.None || existing.Count == 0) return [];
        var first = level.IsTransitive() ? 0 : existing.Count - 1;
        var problems = new List<SchemaProblem>();
        for (var i = existing.Count - 1; i >= first; i--)
        {
            var against = existing[i];
            var found = new List<SchemaProblem>();
            if (level.ChecksBackward()) found.AddRange(SchemaResolution.Problems(candidate, against, ReadDirection.NewReadsOld));
            if (level.ChecksForward()) found.AddRange(SchemaResolution.Problems(against, candidate, ReadDirection.OldReadsNew));
            var label = i == existing.Count - 1 ? "" : $" (against version {i + 1})";
            problems.AddRange(found.Select(p => p with { Reason = p.Reason + label }));
        }
        return problems.Distinct().ToList();
    }

    /// <summary>Problems of <paramref name="candidate"/> against a single previous version.</summary>
    public static IReadOnlyList<SchemaProblem> Check(Schema candidate, Schema previous, CompatibilityLevel level) =>
        Check(candidate, [previous], level);
}
