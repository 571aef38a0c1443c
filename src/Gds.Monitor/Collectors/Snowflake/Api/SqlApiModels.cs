using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gds.Monitor.Collectors.Snowflake.Api;

/// <summary>Body of POST /api/v2/statements.</summary>
public sealed record StatementRequest
{
    [JsonPropertyName("statement")] public required string Statement { get; init; }
    /// <summary>Server-side statement timeout in seconds.</summary>
    [JsonPropertyName("timeout")] public int? Timeout { get; init; }
    [JsonPropertyName("database")] public string? Database { get; init; }
    [JsonPropertyName("schema")] public string? Schema { get; init; }
    [JsonPropertyName("warehouse")] public string? Warehouse { get; init; }
    [JsonPropertyName("role")] public string? Role { get; init; }
}

/// <summary>
/// Every JSON body the statements endpoints return: a ResultSet (200), a QueryStatus (202: still running), a
/// QueryFailureStatus (408/422) or an error (401, 429...). Fields absent from a shape stay null.
/// </summary>
public sealed record StatementResponse
{
    [JsonPropertyName("code")] public string? Code { get; init; }
    [JsonPropertyName("sqlState")] public string? SqlState { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
    [JsonPropertyName("statementHandle")] public string? StatementHandle { get; init; }
    [JsonPropertyName("statementStatusUrl")] public string? StatementStatusUrl { get; init; }
    [JsonPropertyName("createdOn")] public long? CreatedOn { get; init; }
    [JsonPropertyName("resultSetMetaData")] public ResultSetMetaData? ResultSetMetaData { get; init; }
    /// <summary>Rows of cells; jsonv2 sends every non-null cell as a string.</summary>
    [JsonPropertyName("data")] public List<List<JsonElement>>? Data { get; init; }
}

public sealed record ResultSetMetaData
{
    [JsonPropertyName("numRows")] public long NumRows { get; init; }
    [JsonPropertyName("format")] public string? Format { get; init; }
    [JsonPropertyName("partitionInfo")] public List<PartitionInfo>? PartitionInfo { get; init; }
    [JsonPropertyName("rowType")] public List<ColumnType> RowType { get; init; } = [];
}

public sealed record PartitionInfo
{
    [JsonPropertyName("rowCount")] public long RowCount { get; init; }
    [JsonPropertyName("uncompressedSize")] public long UncompressedSize { get; init; }
    [JsonPropertyName("compressedSize")] public long? CompressedSize { get; init; }
}

public sealed record ColumnType
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("nullable")] public bool Nullable { get; init; }
    [JsonPropertyName("scale")] public int? Scale { get; init; }
    [JsonPropertyName("precision")] public int? Precision { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(StatementRequest))]
[JsonSerializable(typeof(StatementResponse))]
public sealed partial class SqlApiJsonContext : JsonSerializerContext;
