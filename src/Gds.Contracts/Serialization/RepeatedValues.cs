using System.Text.Json;

namespace Gds.Contracts.Serialization;

/// <summary>
/// Values decoded from UTF-8 that repeat from record to record — a fleet has few database types, instances,
/// metric names and tag sets — remembered by their bytes, so a repeat costs a hash and a compare instead of
/// decoding and allocating again. Bounded: when full it starts over. Not thread-safe: one per reading thread
/// (the topology's tasks, the warehouse consumer, a backtest reader).
/// A value handed out is shared by every record it came from, so it must never be modified.
/// </summary>
public sealed class RepeatedValues(int capacity = 50_000)
{
    private readonly Dictionary<int, (byte[] Utf8, object Value)> _byHash = new();

    public bool TryGet<T>(ReadOnlySpan<byte> utf8, out T value) where T : class?
    {
        if (_byHash.TryGetValue(Hash(utf8), out var known) && known.Value is T typed && utf8.SequenceEqual(known.Utf8))
        {
            value = typed;
            return true;
        }
        value = null!;
        return false;
    }

    /// <summary>The string token the reader is on, shared with earlier records that carried the same bytes.</summary>
    public string GetString(ref Utf8JsonReader reader)
    {
        // An escaped string's raw bytes are not its text; those are rare enough to decode every time.
        if (reader.ValueIsEscaped || reader.HasValueSequence) return reader.GetString()!;
        if (TryGet<string>(reader.ValueSpan, out var known)) return known;
        var value = reader.GetString()!;
        Add(reader.ValueSpan, value);
        return value;
    }

    public void Add(ReadOnlySpan<byte> utf8, object value)
    {
        if (_byHash.Count >= capacity) _byHash.Clear();
        // On a hash collision the newer value takes the slot; the older one is merely decoded again when it recurs.
        _byHash[Hash(utf8)] = (utf8.ToArray(), value);
    }

    private static int Hash(ReadOnlySpan<byte> utf8)
    {
        var hash = new HashCode();
        hash.AddBytes(utf8);
        return hash.ToHashCode();
    }
}
