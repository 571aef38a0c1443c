using System.Security.Cryptography;
using System.Text.Json;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Gds.Warehouse.Tests.Snowflake;

/// <summary>
/// A real HTTP server (WireMock.Net) answering like Snowflake's SQL API v2: 200 with a result set, 202 with a
/// statement handle for async statements, 422 with code/message/sqlState for failed statements, 429 to throttle.
/// </summary>
public sealed class SnowflakeFake : IDisposable
{
    public const string StatementsPath = "/api/v2/statements";
    public WireMockServer Server { get; } = WireMockServer.Start();
    public RSA Key { get; } = RSA.Create(2048);

    public SnowflakeFake()
    {
        // Anything not mapped more specifically: a statement that succeeded with no rows.
        Server.Given(Request.Create().WithPath(StatementsPath).UsingPost()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Success([])));
    }

    public SnowflakeConnection Connection(string extra = "") => SnowflakeConnection.Parse(
        $"account=xy12345.us-east-2.aws;user=gds_loader;private_key=${{SF_KEY}};database=GDS;schema=DW;warehouse=LOAD_WH;role=LOADER;url={Server.Url};retry_delay_ms=10;{extra}",
        name => name == "SF_KEY" ? Key.ExportPkcs8PrivateKeyPem() : null);

    /// <summary>Statements whose text contains <paramref name="fragment"/> answer with this status and body.</summary>
    public void On(string fragment, int status, string body, int priority = 10) =>
        Server.Given(Request.Create().WithPath(StatementsPath).UsingPost().WithBody(new WildcardMatcher($"*{fragment}*")))
            .AtPriority(priority)
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

    public static string Success(IEnumerable<string?[]> rows, object? stats = null, string handle = "01b2c3d4-0000-0001-0000-000000000001") =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["resultSetMetaData"] = new { numRows = rows.Count(), format = "jsonv2", rowType = Array.Empty<object>(), partitionInfo = new[] { new { rowCount = rows.Count() } } },
            ["data"] = rows,
            ["code"] = "090001",
            ["statementStatusUrl"] = $"/api/v2/statements/{handle}",
            ["sqlState"] = "00000",
            ["statementHandle"] = handle,
            ["message"] = "Statement executed successfully.",
            ["createdOn"] = 1736937000000,
            ["stats"] = stats,
        });

    public static string Running(string handle) => JsonSerializer.Serialize(new
    {
        code = "333334",
        message = "Asynchronous execution in progress. Use provided query id to perform query monitoring and management.",
        statementHandle = handle,
        statementStatusUrl = $"/api/v2/statements/{handle}",
    });

    public static string Error(string code, string sqlState, string message, string handle = "01b2c3d4-0000-0001-0000-00000000dead") =>
        JsonSerializer.Serialize(new { code, message, sqlState, statementHandle = handle });

    /// <summary>The statement texts the server received, in order.</summary>
    public List<string> Statements() => Bodies().Select(b => b.GetProperty("statement").GetString()!).ToList();

    public List<JsonElement> Bodies() => Server.LogEntries
        .Where(e => e.RequestMessage.Path == StatementsPath && e.RequestMessage.Method == "POST")
        .OrderBy(e => e.RequestMessage.DateTime)
        .Select(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement.Clone())
        .ToList();

    public void Dispose()
    {
        Server.Stop();
        Server.Dispose();
        Key.Dispose();
    }
}
