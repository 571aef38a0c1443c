using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Gds.Alerting.Events;

/// <summary>
/// Deterministic event ids: a hash of what identifies the transition (series, status, the episode's start in
/// event time, the repeat number). A retry, a restart or a replay of the same input yields the same id; a new
/// transition yields a new one. The sink sends it as message_id, so the receiver can drop duplicates.
/// </summary>
public static class EventIds
{
    public static string For(string dedupKey, string status, DateTimeOffset episodeStart, int sequence)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{dedupKey}|{status}|{episodeStart.UtcTicks}|{sequence}");
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }
}
