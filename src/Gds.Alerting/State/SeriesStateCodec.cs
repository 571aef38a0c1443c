using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gds.Alerting.State;

/// <summary>Bytes for the state stores; source-generated JSON keeps it readable in a changelog dump.</summary>
public static class SeriesStateCodec
{
    public static byte[] Encode(SeriesState state) => JsonSerializer.SerializeToUtf8Bytes(state, SeriesStateJson.Default.SeriesState);

    public static SeriesState Decode(ReadOnlySpan<byte> bytes) =>
        JsonSerializer.Deserialize(bytes, SeriesStateJson.Default.SeriesState) ?? throw new JsonException("series state is null");
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(SeriesState))]
internal sealed partial class SeriesStateJson : JsonSerializerContext;
