using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Gds.Monitor.Collectors.Snowflake;
using Gds.Snowflake;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Gds.Monitor.Tests.Collectors;

/// <summary>The Snowflake collector against a real HTTP server (WireMock.Net) answering as the SQL API v2 documents.</summary>
public sealed class SnowflakeCollectorTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly RSA _key = RSA.Create(2048);
    private readonly string _keyFile = Path.GetTempFileName();

    private static readonly SnowflakeOptions FastOptions = new()
    {
        PollInitialDelay = TimeSpan.FromMilliseconds(50),
        PollMaxDelay = TimeSpan.FromMilliseconds(200),
        RetryBaseDelay = TimeSpan.FromMilliseconds(100),
        MaxRetryAttempts = 3,
    };

    public SnowflakeCollectorTests() => File.WriteAllText(_keyFile, _key.ExportPkcs8PrivateKeyPem());

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
        _key.Dispose();
        File.Delete(_keyFile);
    }

    private string Connection => $"account=xy12345.us-east-1;user=gds_monitor;private_key=${{file:{_keyFile}}};warehouse=MONITOR_WH;role=MONITOR;host={_server.Urls[0]}";

    private SnowflakeStatementClient StatementClient()
    {
        var (settings, _) = SnowflakeConnectionSettings.Resolve(Gds.Contracts.Secrets.SecretTemplate.Parse(Connection));
        var jwt = new KeyPairJwt(settings.Account, settings.User, KeyPairJwt.LoadPrivateKey(settings.PrivateKeyPem, null));
        return SnowflakeStatementClient.Create(FastOptions.ClientOptions(settings), jwt);
    }

    private static string ResultSet(string[] columns, string?[][] rows, int partitions = 1, string handle = "01b3c5d2-0000-4a6b-0000-00010f2e3a11") =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["resultSetMetaData"] = new Dictionary<string, object?>
            {
                ["numRows"] = rows.Length * partitions,
                ["format"] = "jsonv2",
                ["partitionInfo"] = Enumerable.Range(0, partitions).Select(_ => new { rowCount = rows.Length, uncompressedSize = 120 }).ToArray(),
                ["rowType"] = columns.Select(c => new { name = c, database = "", schema = "", table = "", type = "fixed", scale = 0, precision = 38, nullable = true }).ToArray(),
            },
            ["data"] = rows,
            ["code"] = "090001",
            ["statementStatusUrl"] = $"/api/v2/statements/{handle}?requestId=7f9c1c7e-8b61-4d9d-9a10-9b3a6a7b1234",
            ["requestId"] = "7f9c1c7e-8b61-4d9d-9a10-9b3a6a7b1234",
            ["sqlState"] = "00000",
            ["statementHandle"] = handle,
            ["message"] = "Statement executed successfully.",
            ["createdOn"] = 1736937000123L,
        });

    private static string Running(string handle) => JsonSerializer.Serialize(new
    {
        code = "333334",
        message = "Asynchronous execution in progress. Use provided query id to perform query monitoring and management.",
        statementHandle = handle,
        statementStatusUrl = $"/api/v2/statements/{handle}",
    });

    private void StubStatement(string contains, string body) =>
        _server.Given(Request.Create().WithPath("/api/v2/statements").UsingPost().WithBody(new WildcardMatcher("*" + contains + "*")))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body));

    private void StubEveryQuery()
    {
        StubStatement("WAREHOUSE_LOAD_HISTORY", ResultSet(["WAREHOUSE_NAME", "AVG_RUNNING", "AVG_QUEUED_LOAD", "AVG_QUEUED_PROVISIONING", "AVG_BLOCKED"],
            [["ETL_WH", "3.500000", "1.250000", "0.000000", "0.000000"], ["BI_WH", "1.000000", "0.000000", "0.500000", "0.100000"]]));
        StubStatement("WAREHOUSE_METERING_HISTORY", ResultSet(["WAREHOUSE_NAME", "CREDITS_USED"], [["ETL_WH", "42.125000000"], ["BI_WH", "7.000000000"]]));
        StubStatement("LOGIN_HISTORY", ResultSet(["FAILED_LOGINS", "LOGINS"], [["4", "310"]]));
        StubStatement("TASK_HISTORY", ResultSet(["FAILED_TASKS", "TASK_RUNS"], [["1", "96"]]));
        StubStatement("LONG_RUNNING_QUERIES", ResultSet(["FAILED_QUERIES", "LONG_RUNNING_QUERIES", "QUERIES", "MAX_ELAPSED_MS"], [["12", "2", "5021", "2400000"]]));
        StubStatement("QUEUED_OVERLOAD_TIME", ResultSet(
            ["WAREHOUSE_NAME", "QUERIES", "FAILED_QUERIES", "AVG_EXECUTION_MS", "MAX_EXECUTION_MS", "AVG_QUEUED_OVERLOAD_MS", "MAX_QUEUED_OVERLOAD_MS"],
            [["ETL_WH", "1200", "9", "5321.250000", "2400000", "812.500000", "95000"], ["BI_WH", "3800", "3", "420.000000", "61000", "0.000000", "0"]]));
        StubStatement("STORAGE_USAGE", ResultSet(["STORAGE_BYTES", "STAGE_BYTES", "FAILSAFE_BYTES"], [["1099511627776", "1073741824", "5368709120"]]));
    }

    [Fact]
    public async Task A_scrape_emits_only_catalogue_metrics_with_their_labels_each_series_once()
    {
        StubEveryQuery();
        await using var collector = new SnowflakeCollector(TestTargets.Make("sf", "snowflake", Connection), FastOptions);
        CatalogueConformance.Holds(await collector.CollectAsync(CancellationToken.None), Gds.Contracts.Metrics.DatabaseTypes.Snowflake);
    }

    [Fact]
    public async Task A_synchronous_result_maps_to_samples_and_every_request_carries_a_valid_key_pair_jwt()
    {
        StubEveryQuery();
        await using var collector = new SnowflakeCollector(TestTargets.Make("sf", "snowflake", Connection), FastOptions);
        var samples = await collector.CollectAsync(CancellationToken.None);

        double One(string name) => Assert.Single(samples, s => s.Name == name && s.Labels is null).Value;
        Assert.Equal(4.5, One("snowflake_running_queries"), 9);
        Assert.Equal(1.25, One("snowflake_queued_load_queries"), 9);
        Assert.Equal(0.5, One("snowflake_queued_provisioning_queries"), 9);
        Assert.Equal(0.1, One("snowflake_blocked_queries"), 9);
        Assert.Equal(3.5, Assert.Single(samples, s => s.Name == "snowflake_warehouse_running_queries" && s.Labels!["warehouse"] == "ETL_WH").Value);
        Assert.Equal(49.125, One("snowflake_credits_last_24h"), 9);
        Assert.Equal(4, One("snowflake_login_failures_last_1h"));
        Assert.Equal(1, One("snowflake_task_failures_last_1h"));
        Assert.Equal(12, One("snowflake_queries_failed_last_1h"));
        Assert.Equal(2, One("snowflake_queries_long_running_last_1h"));
        Assert.Equal(2400, One("snowflake_query_max_elapsed_seconds_last_1h"));
        Assert.Equal(1099511627776, One("snowflake_storage_bytes"));
        double Etl(string name) => Assert.Single(samples, s => s.Name == name && s.Labels!["warehouse"] == "ETL_WH").Value;
        Assert.Equal(1200, Etl("snowflake_warehouse_queries_last_1h"));
        Assert.Equal(9, Etl("snowflake_warehouse_queries_failed_last_1h"));
        Assert.Equal(5.32125, Etl("snowflake_warehouse_query_avg_execution_seconds_last_1h"), 9);
        Assert.Equal(2400, Etl("snowflake_warehouse_query_max_execution_seconds_last_1h"), 9);
        Assert.Equal(0.8125, Etl("snowflake_warehouse_query_avg_queued_overload_seconds_last_1h"), 9);
        Assert.Equal(95, Etl("snowflake_warehouse_query_max_queued_overload_seconds_last_1h"), 9);

        var posts = _server.LogEntries.Select(e => e.RequestMessage).Where(r => r.Method == "POST").ToList();
        Assert.Equal(7, posts.Count);
        var expectedFingerprint = "SHA256:" + Convert.ToBase64String(SHA256.HashData(_key.ExportSubjectPublicKeyInfo()));
        foreach (var request in posts)
        {
            Assert.Equal("KEYPAIR_JWT", request.Headers!["X-Snowflake-Authorization-Token-Type"].Single());
            var authorization = request.Headers["Authorization"].Single();
            Assert.StartsWith("Bearer ", authorization);
            var token = authorization["Bearer ".Length..];
            var validation = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
            {
                IssuerSigningKey = new RsaSecurityKey(RSA.Create(_key.ExportParameters(false))),
                ValidIssuer = $"XY12345.GDS_MONITOR.{expectedFingerprint}",
                ValidateAudience = false,
                ValidateLifetime = true,
            });
            Assert.True(validation.IsValid, validation.Exception?.Message);
            var jwt = (JsonWebToken)validation.SecurityToken;
            Assert.Equal("RS256", jwt.Alg);
            Assert.Equal("XY12345.GDS_MONITOR", jwt.Subject);
            Assert.InRange((jwt.ValidTo - jwt.IssuedAt).TotalMinutes, 1, 60);

            using var body = JsonDocument.Parse(request.Body!);
            Assert.Equal("MONITOR_WH", body.RootElement.GetProperty("warehouse").GetString());
            Assert.Equal("MONITOR", body.RootElement.GetProperty("role").GetString());
            Assert.Contains("SNOWFLAKE.ACCOUNT_USAGE.", body.RootElement.GetProperty("statement").GetString());
            Assert.True(Guid.TryParse(request.Query!["requestId"].Single(), out _));
        }
    }

    [Fact]
    public async Task A_202_is_polled_on_the_statement_handle_until_the_result_is_ready()
    {
        const string handle = "01b3c5d2-0000-4a6b-0000-00010f2e9999";
        _server.Given(Request.Create().WithPath("/api/v2/statements").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(202).WithHeader("Content-Type", "application/json").WithBody(Running(handle)));
        _server.Given(Request.Create().WithPath($"/api/v2/statements/{handle}").UsingGet())
            .InScenario("poll").WillSetStateTo("second")
            .RespondWith(Response.Create().WithStatusCode(202).WithHeader("Content-Type", "application/json").WithBody(Running(handle)));
        _server.Given(Request.Create().WithPath($"/api/v2/statements/{handle}").UsingGet())
            .InScenario("poll").WhenStateIs("second").WillSetStateTo("done")
            .RespondWith(Response.Create().WithStatusCode(202).WithHeader("Content-Type", "application/json").WithBody(Running(handle)));
        _server.Given(Request.Create().WithPath($"/api/v2/statements/{handle}").UsingGet())
            .InScenario("poll").WhenStateIs("done")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(ResultSet(["FAILED_LOGINS", "LOGINS"], [["2", "20"]], handle: handle)));

        using var client = StatementClient();
        var result = await client.ExecuteAsync(SnowflakeQueries.Logins);

        var row = Assert.Single(result.ResultRows());
        Assert.Equal(2, row.Number("FAILED_LOGINS"));
        var gets = _server.LogEntries.Where(e => e.RequestMessage.Method == "GET").ToList();
        Assert.Equal(3, gets.Count);
        Assert.All(gets, g => Assert.Equal("KEYPAIR_JWT", g.RequestMessage.Headers!["X-Snowflake-Authorization-Token-Type"].Single()));
    }

    [Fact]
    public async Task A_partitioned_result_is_fetched_partition_by_partition_in_order()
    {
        const string handle = "01b3c5d2-0000-4a6b-0000-00010f2e7777";
        _server.Given(Request.Create().WithPath("/api/v2/statements").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(ResultSet(["WAREHOUSE_NAME", "CREDITS_USED"], [["WH_0", "1"], ["WH_1", "2"]], partitions: 3, handle: handle)));
        foreach (var p in new[] { 1, 2 })
            _server.Given(Request.Create().WithPath($"/api/v2/statements/{handle}").WithParam("partition", p.ToString()).UsingGet())
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                    .WithBody(JsonSerializer.Serialize(new { data = new[] { new[] { $"WH_{2 * p}", $"{2 * p + 1}" }, new[] { $"WH_{2 * p + 1}", $"{2 * p + 2}" } } })));

        using var client = StatementClient();
        var result = await client.ExecuteAsync(SnowflakeQueries.WarehouseMetering);

        Assert.Equal(["WH_0", "WH_1", "WH_2", "WH_3", "WH_4", "WH_5"], result.ResultRows().Select(r => r.Text("WAREHOUSE_NAME")));
        var s = new SampleSet();
        SnowflakeMapping.WarehouseMetering(result.ResultRows(), s);
        Assert.Equal(21, Assert.Single(s, x => x.Name == "snowflake_credits_last_24h").Value);
    }

    [Fact]
    public async Task A_429_is_retried_after_the_wait_Retry_After_asks_with_the_same_request_id()
    {
        _server.Given(Request.Create().WithPath("/api/v2/statements").UsingPost())
            .InScenario("rate").WillSetStateTo("allowed")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1").WithHeader("Content-Type", "application/json")
                .WithBody("""{"code":"000429","message":"Too many requests"}"""));
        _server.Given(Request.Create().WithPath("/api/v2/statements").UsingPost())
            .InScenario("rate").WhenStateIs("allowed")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(ResultSet(["FAILED_TASKS", "TASK_RUNS"], [["0", "4"]])));

        using var client = StatementClient();
        var clock = Stopwatch.StartNew();
        var result = await client.ExecuteAsync(SnowflakeQueries.Tasks);

        Assert.Equal(4, Assert.Single(result.ResultRows()).Number("TASK_RUNS"));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"waited only {clock.Elapsed} although Retry-After said 1 s");
        var posts = _server.LogEntries.Select(e => e.RequestMessage).OrderBy(r => r.DateTime).ToList();
        Assert.Equal(2, posts.Count);
        Assert.True(posts[1].DateTime - posts[0].DateTime >= TimeSpan.FromSeconds(0.9));
        Assert.Equal(posts[0].Query!["requestId"].Single(), posts[1].Query!["requestId"].Single());
    }

    [Fact]
    public async Task An_authentication_failure_is_not_retried_and_makes_the_target_down_with_snowflakes_reason()
    {
        _server.Given(Request.Create().WithPath("/api/v2/statements").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json")
                .WithBody("""{"code":"390144","message":"JWT token is invalid. [7e1d3f0a-54b5-4b3c-9bcd-0c5d6b4f7a11]"}"""));

        var target = TestTargets.Make("sf-bad-key", "snowflake", Connection);
        var publisher = new RecordingPublisher();
        using var logs = new CapturedLogs();
        var scraper = new TargetScraper(target, new SnowflakeCollector(target, FastOptions), publisher, new CollectorOptions(),
            logs.Factory().CreateLogger("test"), TimeProvider.System);
        await using var _ = scraper;
        var outcome = await scraper.ScrapeAsync();

        Assert.False(outcome.Up);
        Assert.Contains("Snowflake 401 (code 390144)", outcome.Error);
        Assert.Contains("authentication failed", outcome.Error);
        Assert.Equal(0, Assert.Single(publisher.For("sf-bad-key", CollectorMetrics.Up.Name)).Value);
        Assert.Equal(7, _server.LogEntries.Count()); // one POST per statement, none retried
        var pem = await File.ReadAllTextAsync(_keyFile);
        Assert.DoesNotContain(pem.Split('\n')[1], logs.All);
    }

    [Fact]
    public async Task A_failed_statement_reports_snowflakes_code_and_message()
    {
        _server.Given(Request.Create().WithPath("/api/v2/statements").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(422).WithHeader("Content-Type", "application/json")
                .WithBody("""{"code":"002003","sqlState":"02000","message":"SQL compilation error:\nSchema 'SNOWFLAKE.ACCOUNT_USAGE' does not exist or not authorized.","statementHandle":"01b3","statementStatusUrl":"/api/v2/statements/01b3"}"""));
        using var client = StatementClient();
        var ex = await Assert.ThrowsAsync<SnowflakeStatementException>(() => client.ExecuteAsync(SnowflakeQueries.Storage));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, ex.Status);
        Assert.StartsWith("Snowflake 422 (code 002003, SQL state 02000): the statement failed: SQL compilation error:", ex.Message);
    }
}

public class KeyPairJwtTests
{
    [Theory]
    [InlineData("xy12345", "XY12345")]
    [InlineData("xy12345.us-east-1", "XY12345")]
    [InlineData("xy12345.us-east-2.aws.snowflakecomputing.com", "XY12345")]
    [InlineData("myorg-myaccount", "MYORG-MYACCOUNT")]
    public void The_account_in_the_claims_is_the_upper_case_locator(string account, string expected) =>
        Assert.Equal(expected, KeyPairJwt.AccountIdentifier(account));
}
