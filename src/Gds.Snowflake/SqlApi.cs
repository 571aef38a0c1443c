using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;

namespace Gds.Snowflake;

/// <summary>
/// Snowflake's SQL API v2, the calls the collector and the importer need. Authentication headers are added by
/// <see cref="KeyPairAuthHandler"/> so every retry carries a valid token; User-Agent by <see cref="SnowflakeHttp"/>.
/// </summary>
[Headers("Accept: application/json")]
public interface ISnowflakeSqlApi
{
    /// <summary>Submits a statement. requestId plus retry=true makes a resent submission run only once.</summary>
    [Post("/api/v2/statements")]
    Task<IApiResponse<StatementResponse>> SubmitAsync([Query] string requestId, [Query] string retry, [Body] StatementRequest request, CancellationToken ct);

    /// <summary>The status of a statement, and its result (one partition of it) once it has finished.</summary>
    [Get("/api/v2/statements/{handle}")]
    Task<IApiResponse<StatementResponse>> GetAsync(string handle, [Query] int? partition, CancellationToken ct);

    [Post("/api/v2/statements/{handle}/cancel")]
    Task<IApiResponse<StatementResponse>> CancelAsync(string handle, CancellationToken ct);
}

/// <summary>Source-generated JSON for the SQL API's bodies, which Refit's generated client requires.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(StatementRequest))]
[JsonSerializable(typeof(StatementResponse))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(IReadOnlyList<string?>))]
public sealed partial class SnowflakeJsonContext : JsonSerializerContext;

public sealed class StatementRequest
{
    [JsonPropertyName("statement")] public required string Statement { get; init; }
    [JsonPropertyName("timeout")] public int? TimeoutSeconds { get; init; }
    [JsonPropertyName("database")] public string? Database { get; init; }
    [JsonPropertyName("schema")] public string? Schema { get; init; }
    [JsonPropertyName("warehouse")] public string? Warehouse { get; init; }
    [JsonPropertyName("role")] public string? Role { get; init; }
    [JsonPropertyName("bindings")] public IReadOnlyDictionary<string, Binding>? Bindings { get; init; }
    [JsonPropertyName("parameters")] public IReadOnlyDictionary<string, string>? Parameters { get; init; }
}

/// <summary>
/// One bind variable: a Snowflake type (TEXT, FIXED, REAL, BOOLEAN, …) and its value as text; an array of texts
/// binds one value per row of an INSERT (the SQL API's array binding).
/// </summary>
public sealed class Binding
{
    [JsonPropertyName("type")] public required string Type { get; init; }
    [JsonPropertyName("value")] public required JsonElement Value { get; init; }

    public static Binding Text(string? value) => new() { Type = "TEXT", Value = JsonSerializer.SerializeToElement(value, SnowflakeJsonContext.Default.String) };
    public static Binding Fixed(long value) => new() { Type = "FIXED", Value = JsonSerializer.SerializeToElement(value.ToString(System.Globalization.CultureInfo.InvariantCulture), SnowflakeJsonContext.Default.String) };
    public static Binding Array(string type, IReadOnlyList<string?> values) => new() { Type = type, Value = JsonSerializer.SerializeToElement(values, SnowflakeJsonContext.Default.IReadOnlyListString) };
}

/// <summary>Every reply of the SQL API has this shape; which fields are set depends on the status.</summary>
public sealed class StatementResponse
{
    [JsonPropertyName("code")] public string? Code { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
    [JsonPropertyName("sqlState")] public string? SqlState { get; init; }
    [JsonPropertyName("statementHandle")] public string? StatementHandle { get; init; }
    [JsonPropertyName("statementStatusUrl")] public string? StatementStatusUrl { get; init; }
    [JsonPropertyName("resultSetMetaData")] public ResultSetMetaData? ResultSetMetaData { get; init; }
    [JsonPropertyName("createdOn")] public long? CreatedOn { get; init; }
    /// <summary>Rows of cells; jsonv2 (the SQL API's only format) sends every non-null cell as a string.</summary>
    [JsonPropertyName("data")] public List<List<string?>>? Data { get; init; }
    [JsonPropertyName("stats")] public DmlStats? Stats { get; init; }
}

public sealed class ResultSetMetaData
{
    [JsonPropertyName("numRows")] public long NumRows { get; init; }
    [JsonPropertyName("format")] public string? Format { get; init; }
    [JsonPropertyName("partitionInfo")] public List<PartitionInfo>? PartitionInfo { get; init; }
    [JsonPropertyName("rowType")] public List<ColumnType>? RowType { get; init; }
}

public sealed class PartitionInfo
{
    [JsonPropertyName("rowCount")] public long RowCount { get; init; }
    [JsonPropertyName("uncompressedSize")] public long? UncompressedSize { get; init; }
    [JsonPropertyName("compressedSize")] public long? CompressedSize { get; init; }
}

public sealed class ColumnType
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("nullable")] public bool Nullable { get; init; }
    [JsonPropertyName("scale")] public int? Scale { get; init; }
    [JsonPropertyName("precision")] public int? Precision { get; init; }
}

public sealed class DmlStats
{
    [JsonPropertyName("numRowsInserted")] public long NumRowsInserted { get; init; }
    [JsonPropertyName("numRowsUpdated")] public long NumRowsUpdated { get; init; }
    [JsonPropertyName("numRowsDeleted")] public long NumRowsDeleted { get; init; }
}
