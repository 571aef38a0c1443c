using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Gds.Warehouse.Dimensions;

/// <summary>
/// Surrogate keys derived from the natural key (the first 8 bytes of its SHA-256). Deterministic keys let every
/// importer instance, a replay and both warehouses agree on a key without asking the database for one first,
/// which keeps the load a single round of COPY + merge.
/// </summary>
public static class DimensionKeys
{
    /// <summary>
    /// The labels key of a series without labels, reserved: the migration that introduced labels gave it to every
    /// fact loaded before, and the fact column defaults to it. (A label set hashing to 0 has odds of 2^-64.)
    /// </summary>
    public const long NoLabels = 0;

    public static long Instance(string databaseType, string environment, string instanceId) =>
        Hash($"instance\u001f{databaseType}\u001f{environment}\u001f{instanceId}");

    public static long Metric(string metricName) => Hash($"metric\u001f{metricName}");

    /// <summary>From the canonical text of <see cref="Gds.Contracts.Metrics.SeriesLabels.Format"/>, "" for none.</summary>
    public static long Labels(string labelsText) => labelsText.Length == 0 ? NoLabels : Hash($"labels\u001f{labelsText}");

    private static long Hash(string naturalKey)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(naturalKey), digest);
        return BinaryPrimitives.ReadInt64BigEndian(digest);
    }
}
