using System.Text.Json;
using System.Text.Json.Serialization;
using Gds.Alerting.Silences;

namespace Gds.Alerting.Hygiene;

/// <summary>Bytes for the hygiene stores; source-generated JSON, readable in a changelog dump.</summary>
public static class HygieneStateCodec
{
    public static byte[] Encode(HygieneState state) => JsonSerializer.SerializeToUtf8Bytes(state, HygieneJson.Default.HygieneState);

    public static HygieneState Decode(ReadOnlySpan<byte> bytes) =>
        JsonSerializer.Deserialize(bytes, HygieneJson.Default.HygieneState) ?? throw new JsonException("hygiene state is null");

    public static byte[] Encode(SilenceUsage usage) => JsonSerializer.SerializeToUtf8Bytes(usage, HygieneJson.Default.SilenceUsage);

    public static SilenceUsage DecodeUsage(ReadOnlySpan<byte> bytes) =>
        JsonSerializer.Deserialize(bytes, HygieneJson.Default.SilenceUsage) ?? throw new JsonException("silence usage is null");
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HygieneState))]
[JsonSerializable(typeof(SilenceUsage))]
internal sealed partial class HygieneJson : JsonSerializerContext;
