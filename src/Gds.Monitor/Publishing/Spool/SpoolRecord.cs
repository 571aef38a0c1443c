using System.Buffers.Binary;
using System.Text;

namespace Gds.Monitor.Publishing.Spool;

/// <summary>A Kafka record waiting in the spool: topic, key and value bytes, exactly as they will be produced.</summary>
public sealed record SpoolRecord(string Topic, byte[] Key, byte[] Value)
{
    /// <summary>Frame header: payload length (int32) and the payload's CRC-32, little endian.</summary>
    public const int HeaderSize = 8;

    public int PayloadSize => 2 + Encoding.UTF8.GetByteCount(Topic) + 4 + Key.Length + Value.Length;

    public int FrameSize => HeaderSize + PayloadSize;

    /// <summary>Writes header and payload into <paramref name="frame"/>, which must be <see cref="FrameSize"/> long.</summary>
    public void WriteFrame(Span<byte> frame)
    {
        var payload = frame[HeaderSize..];
        var topicLength = Encoding.UTF8.GetBytes(Topic, payload[2..]);
        BinaryPrimitives.WriteUInt16LittleEndian(payload, (ushort)topicLength);
        var at = 2 + topicLength;
        BinaryPrimitives.WriteInt32LittleEndian(payload[at..], Key.Length);
        at += 4;
        Key.CopyTo(payload[at..]);
        at += Key.Length;
        Value.CopyTo(payload[at..]);
        BinaryPrimitives.WriteInt32LittleEndian(frame, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], System.IO.Hashing.Crc32.HashToUInt32(payload));
    }

    public static SpoolRecord ReadPayload(ReadOnlySpan<byte> payload)
    {
        var topicLength = BinaryPrimitives.ReadUInt16LittleEndian(payload);
        var topic = Encoding.UTF8.GetString(payload.Slice(2, topicLength));
        var at = 2 + topicLength;
        var keyLength = BinaryPrimitives.ReadInt32LittleEndian(payload[at..]);
        at += 4;
        var key = payload.Slice(at, keyLength).ToArray();
        at += keyLength;
        return new SpoolRecord(topic, key, payload[at..].ToArray());
    }

    public string KeyText => Encoding.UTF8.GetString(Key);
}

/// <summary>A record handed out by the spool, with the position that <see cref="DiskSpool.Ack"/> needs.</summary>
public readonly record struct SpoolEntry(long Segment, int Index, SpoolRecord Record);
