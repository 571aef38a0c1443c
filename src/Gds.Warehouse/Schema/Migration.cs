using System.Security.Cryptography;
using System.Text;

namespace Gds.Warehouse.Schema;

/// <summary>
/// One versioned step of a warehouse schema. Applied migrations are recorded with a checksum so that an edited
/// migration (which would leave old and new warehouses different) is refused instead of silently skipped.
/// </summary>
public sealed record Migration(int Version, string Name, IReadOnlyList<string> Statements)
{
    // Computed on access, not stored: a `with` copy must not inherit the original's checksum.
    public string Checksum => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n;\n", Statements))))[..16];
}

/// <summary>A migration the warehouse says it applied.</summary>
public sealed record AppliedMigration(int Version, string Checksum);
