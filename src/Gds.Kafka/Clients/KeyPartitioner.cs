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
    private static readonly uint[] Table = BuildTable();

    public static int PartitionFor(string key, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        return (int)(Crc32(Encoding.UTF8.GetBytes(key)) % (uint)partitionCount);
    }

    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var t = new uint[256];
        for (var i = 0u; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }
}
