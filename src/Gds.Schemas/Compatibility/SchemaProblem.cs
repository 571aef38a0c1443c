namespace Gds.Schemas.Compatibility;

/// <summary>
/// One reason a schema change breaks reading: where (Record.field, [] for array items, {} for map values) and why,
/// in words that say which side cannot read which.
/// </summary>
public sealed record SchemaProblem(string Path, string Reason)
{
    public override string ToString() => $"{Path}: {Reason}";
}
