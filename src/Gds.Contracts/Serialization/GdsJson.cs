using System.Text.Json;
using Gds.Contracts.Alerts;
using Gds.Contracts.Heartbeats;
using Gds.Contracts.Metrics;
using Gds.Contracts.Notifications;
using Gds.Contracts.Rules;
using Gds.Contracts.Silences;
using Gds.Contracts.Watchdog;

namespace Gds.Contracts.Serialization;

/// <summary>
/// The JSON wire format of every record. Source-generated so the hot path (metrics in, alerts out) does not
/// pay for reflection.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(Metric))]
[JsonSerializable(typeof(Rule))]
[JsonSerializable(typeof(AlertEvent))]
[JsonSerializable(typeof(Ack))]
[JsonSerializable(typeof(FiringAlert))]
[JsonSerializable(typeof(NotificationRequest))]
[JsonSerializable(typeof(Heartbeat))]
[JsonSerializable(typeof(Silence))]
[JsonSerializable(typeof(InhibitRule))]
[JsonSerializable(typeof(TopologyHeartbeat))]
[JsonSerializable(typeof(WatchdogEpisode))]
[JsonSerializable(typeof(Dictionary<string, string>))]
public sealed partial class GdsJsonContext : JsonSerializerContext;

public static class GdsJson
{
    public static byte[] Serialize<T>(T value) =>
        JsonSerializer.SerializeToUtf8Bytes(value, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)GdsJsonContext.Default.GetTypeInfo(typeof(T))!);

    public static string SerializeToString<T>(T value) =>
        JsonSerializer.Serialize(value, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)GdsJsonContext.Default.GetTypeInfo(typeof(T))!);

    /// <summary>Deserializes or throws <see cref="RecordFormatException"/> naming what is wrong.</summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> utf8) where T : class
    {
        try
        {
            var info = (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)GdsJsonContext.Default.GetTypeInfo(typeof(T))!;
            return JsonSerializer.Deserialize(utf8, info) ?? throw new RecordFormatException($"{typeof(T).Name}: the record is JSON null");
        }
        catch (JsonException ex)
        {
            throw new RecordFormatException($"{typeof(T).Name}: {ex.Message}", ex);
        }
    }

    public static T Deserialize<T>(string json) where T : class => Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(json));
}

/// <summary>A record that cannot be read as the type it should be; the message names the field where possible.</summary>
public sealed class RecordFormatException(string message, Exception? inner = null) : Exception(message, inner);
