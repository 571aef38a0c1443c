using System.Text;

namespace Gds.Kafka.Clients;

/// <summary>
/// The partition librdkafka's default partitioner (consistent_random) gives a non-null key: CRC-32 of the key's
/// bytes modulo the partition count. Every gds producer uses that default, so a record keyed by something else
/// (an ack keyed by dedup key) can be sent to the partition its instance_id's records are on, and be read by the
/// stream task that owns that instance.
/// </summary>
public static class KeyPartitioner
{
    public static int PartitionFor(string key, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        return (int)(Crc32(Encoding.UTF8.GetBytes(key)) % (uint)partitionCount);
    }

    /// <summary>CRC-32 IEEE 802.3, the checksum librdkafka's partitioner uses (System.IO.Hashing's).</summary>
    public static uint Crc32(ReadOnlySpan<byte> data) => System.IO.Hashing.Crc32.HashToUInt32(data);
}
