using System.IO.Hashing;
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

    /// <summary>
    /// As <see cref="GetString(ref Utf8JsonReader)"/>, but first compared with the value this field had in the record
    /// before (<paramref name="last"/>), which needs no hash and no look-up.
    /// </summary>
    public string GetString(ref Utf8JsonReader reader, ref LastSeen last)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence) return reader.GetString()!;
        if (last.TryGet<string>(reader.ValueSpan, out var same)) return same;
        var value = GetString(ref reader);
        last.Remember(reader.ValueSpan, value);
        return value;
    }

    public void Add(ReadOnlySpan<byte> utf8, object value)
    {
        if (_byHash.Count >= capacity) _byHash.Clear();
        // On a hash collision the newer value takes the slot; the older one is merely decoded again when it recurs.
        _byHash[Hash(utf8)] = (utf8.ToArray(), value);
    }

    // XxHash3 reads the bytes in wide blocks; HashCode.AddBytes mixes them four at a time, and hashing the four
    // repeated fields of each record with it was about a seventh of a backtest's parse (measured: 1.05 → 0.9 µs a
    // line warm). Unseeded, so the same bytes hash alike in every process: only this cache's slots depend on it.
    private static int Hash(ReadOnlySpan<byte> utf8) => (int)XxHash3.HashToUInt64(utf8);
}

/// <summary>
/// The bytes and value of one field in the record before: records come in runs of one series (a backtest file, a
/// partition of one instance's metrics), so most fields repeat the previous record's, and comparing with that is
/// cheaper than hashing the bytes to look them up in <see cref="RepeatedValues"/> (measured on a million backtest
/// lines: about 0.1 µs a line, a tenth of the parse). A miss costs one short compare. The value must never be
/// modified, as for <see cref="RepeatedValues"/>.
/// </summary>
public struct LastSeen
{
    private byte[]? _utf8;
    private int _length;
    private object? _value;

    public readonly bool TryGet<T>(ReadOnlySpan<byte> utf8, out T value) where T : class?
    {
        if (_value is T typed && utf8.SequenceEqual(_utf8.AsSpan(0, _length)))
        {
            value = typed;
            return true;
        }
        value = null!;
        return false;
    }

    public void Remember(ReadOnlySpan<byte> utf8, object value)
    {
        // The buffer is reused: only a longer value than any before allocates.
        if (_utf8 is null || _utf8.Length < utf8.Length) _utf8 = new byte[Math.Max(utf8.Length, 32)];
        utf8.CopyTo(_utf8);
        _length = utf8.Length;
        _value = value;
    }
}
