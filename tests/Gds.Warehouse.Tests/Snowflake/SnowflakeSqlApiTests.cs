using System.Net;
using System.Security.Cryptography;
using Gds.Snowflake;
using Gds.Warehouse.Connections;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Gds.Warehouse.Tests.Snowflake;

public sealed class SnowflakeSqlApiTests : IDisposable
{
    private readonly SnowflakeFake _fake = new();

    private SnowflakeStatementClient Client(string extra = "")
    {
        var connection = _fake.Connection(extra);
        return SnowflakeStatementClient.Create(connection.ClientOptions, new KeyPairJwt(connection.Account, connection.User, connection.PrivateKey));
    }

    [Fact]
    public async Task A_statement_is_sent_with_its_bindings_context_and_key_pair_jwt_and_its_rows_come_back()
    {
        _fake.On("SELECT VERSION", 200, SnowflakeFake.Success([["1", "abc"], ["2", "def"]]));

        var result = await Client().ExecuteAsync("SELECT VERSION, CHECKSUM FROM SCHEMA_MIGRATIONS WHERE VERSION > ?",
            new Dictionary<string, Binding> { ["1"] = Binding.Fixed(0) });

        Assert.Equal([["1", "abc"], ["2", "def"]], result.Rows);
        var request = Assert.Single(_fake.Server.LogEntries).RequestMessage;
        Assert.Equal("KEYPAIR_JWT", request.Headers!["X-Snowflake-Authorization-Token-Type"].Single());
        Assert.StartsWith("Bearer ", request.Headers["Authorization"].Single());
        Assert.Equal("true", request.Query!["retry"].Single());
        Assert.True(Guid.TryParse(request.Query["requestId"].Single(), out _));
        var body = _fake.Bodies().Single();
        Assert.Equal("GDS", body.GetProperty("database").GetString());
        Assert.Equal("DW", body.GetProperty("schema").GetString());
        Assert.Equal("LOAD_WH", body.GetProperty("warehouse").GetString());
        Assert.Equal("LOADER", body.GetProperty("role").GetString());
        Assert.Equal("FIXED", body.GetProperty("bindings").GetProperty("1").GetProperty("type").GetString());
        Assert.Equal("0", body.GetProperty("bindings").GetProperty("1").GetProperty("value").GetString());
    }

    [Fact]
    public async Task The_jwt_names_account_and_user_with_the_public_key_fingerprint_and_verifies_with_the_public_key()
    {
        var token = new KeyPairJwt("xy12345.us-east-2.aws", "gds_loader", _fake.Key).Token();

        var publicKey = RSA.Create();
        publicKey.ImportSubjectPublicKeyInfo(_fake.Key.ExportSubjectPublicKeyInfo(), out _);
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = new RsaSecurityKey(publicKey),
            ValidateAudience = false,
            ValidIssuer = "XY12345.GDS_LOADER.SHA256:" + Convert.ToBase64String(SHA256.HashData(_fake.Key.ExportSubjectPublicKeyInfo())),
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);
        var jwt = new JsonWebToken(token);
        Assert.Equal("RS256", jwt.Alg);
        Assert.Equal("XY12345.GDS_LOADER", jwt.Subject);
        Assert.InRange(jwt.ValidTo - jwt.IssuedAt, TimeSpan.FromMinutes(50), TimeSpan.FromMinutes(60));
    }

    [Fact]
    public async Task An_async_statement_answered_202_is_polled_by_handle_until_it_finishes()
    {
        const string handle = "01b2c3d4-0000-0001-0000-0000000000a1";
        _fake.On("MERGE INTO FACT_SAMPLE", 202, SnowflakeFake.Running(handle));
        _fake.Server.Given(Request.Create().WithPath($"/api/v2/statements/{handle}").UsingGet())
            .InScenario("poll").WillSetStateTo("still running")
            .RespondWith(Response.Create().WithStatusCode(202).WithBody(SnowflakeFake.Running(handle)));
        _fake.Server.Given(Request.Create().WithPath($"/api/v2/statements/{handle}").UsingGet())
            .InScenario("poll").WhenStateIs("still running")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(SnowflakeFake.Success([["42"]], new { numRowsInserted = 42 }, handle)));

        var result = await Client().ExecuteAsync("MERGE INTO FACT_SAMPLE f USING (SELECT 1) s ON false WHEN NOT MATCHED THEN INSERT VALUES (1)");

        Assert.Equal(42, result.Stats!.NumRowsInserted);
        Assert.Equal(2, _fake.Server.LogEntries.Count(e => e.RequestMessage.Method == "GET"));
    }

    [Fact]
    public async Task A_failed_statement_reports_snowflakes_code_sql_state_message_and_the_statement()
    {
        _fake.On("FACT_SAMPEL", 422, SnowflakeFake.Error("002003", "42S02", "SQL compilation error:\nObject 'GDS.DW.FACT_SAMPEL' does not exist or not authorized."));

        var ex = await Assert.ThrowsAsync<SnowflakeStatementException>(() => Client().ExecuteAsync("SELECT COUNT(*) FROM FACT_SAMPEL"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, ex.Status);
        Assert.Equal("002003", ex.Code);
        Assert.Equal("42S02", ex.SqlState);
        Assert.False(ex.IsTransient);
        Assert.Contains("does not exist", ex.Message);
        Assert.Contains("SELECT COUNT(*) FROM FACT_SAMPEL", ex.Message);
        Assert.Single(_fake.Server.LogEntries); // a wrong statement is not retried
    }

    [Fact]
    public async Task A_statement_that_fails_while_polled_is_reported_with_its_handle()
    {
        const string handle = "01b2c3d4-0000-0001-0000-0000000000b2";
        _fake.On("DELETE FROM FACT_SAMPLE", 202, SnowflakeFake.Running(handle));
        _fake.Server.Given(Request.Create().WithPath($"/api/v2/statements/{handle}").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(422).WithBody(SnowflakeFake.Error("000630", "57014", "Statement reached its statement or warehouse timeout of 600 second(s) and was canceled.", handle)));

        var ex = await Assert.ThrowsAsync<SnowflakeStatementException>(() => Client().ExecuteAsync("DELETE FROM FACT_SAMPLE WHERE DATE_KEY < 20250101"));

        Assert.Equal("000630", ex.Code);
        Assert.Equal(handle, ex.StatementHandle);
        Assert.Contains(handle, ex.Message);
    }

    [Fact]
    public async Task Throttling_and_server_errors_are_retried_with_the_same_request_id()
    {
        _fake.Server.Given(Request.Create().WithPath(SnowflakeFake.StatementsPath).UsingPost())
            .InScenario("flaky").WillSetStateTo("throttled once")
            .RespondWith(Response.Create().WithStatusCode(429).WithBody(SnowflakeFake.Error("390504", "08001", "Too many requests")));
        _fake.Server.Given(Request.Create().WithPath(SnowflakeFake.StatementsPath).UsingPost())
            .InScenario("flaky").WhenStateIs("throttled once").WillSetStateTo("failed once")
            .RespondWith(Response.Create().WithStatusCode(503).WithBody("Service Unavailable"));
        _fake.Server.Given(Request.Create().WithPath(SnowflakeFake.StatementsPath).UsingPost())
            .InScenario("flaky").WhenStateIs("failed once")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(SnowflakeFake.Success([["1"]])));

        var result = await Client().ExecuteAsync("SELECT 1");

        Assert.Equal([["1"]], result.Rows);
        var requestIds = _fake.Server.LogEntries.Select(e => e.RequestMessage.Query!["requestId"].Single()).ToList();
        Assert.Equal(3, requestIds.Count);
        Assert.Single(requestIds.Distinct());
    }

    [Fact]
    public async Task Persistent_throttling_gives_up_with_a_transient_error_after_the_configured_retries()
    {
        _fake.On("SELECT 2", 429, SnowflakeFake.Error("390504", "08001", "Too many requests"));

        var ex = await Assert.ThrowsAsync<SnowflakeStatementException>(() => Client("max_retries=2").ExecuteAsync("SELECT 2"));

        Assert.True(ex.IsTransient);
        Assert.Equal(3, _fake.Server.LogEntries.Count());
    }

    [Theory]
    [InlineData("user=u;private_key_file=/nope", "no 'account'")]
    [InlineData("account=a;user=u;private_key_file=/nope/key.p8", "/nope/key.p8' does not exist")]
    [InlineData("account=a;user=u;passwd=x;private_key_file=/nope", "unknown key 'passwd'")]
    [InlineData("account=a;user=u;private_key=${GDS_TEST_UNSET_KEY}", "GDS_TEST_UNSET_KEY, which is not set")]
    [InlineData("account=a;user=u;private_key=not-a-pem", "could not be read as an RSA PEM key")]
    [InlineData("account=a;user=u;private_key=${SF_KEY};url=ftp://x", "not an http(s) URL")]
    public void A_bad_connection_string_is_refused_naming_what_is_wrong(string connection, string expected)
    {
        var ex = Assert.Throws<ConnectionStringException>(() => SnowflakeConnection.Parse(connection,
            name => name == "SF_KEY" ? _fake.Key.ExportPkcs8PrivateKeyPem() : null));

        Assert.Contains(expected, ex.Message);
        // Whatever was wrong, the key material itself is never echoed.
        Assert.DoesNotContain("not-a-pem", ex.Message);
        Assert.DoesNotContain("MII", ex.Message);
    }

    [Fact]
    public void An_encrypted_key_is_read_with_its_passphrase_from_the_environment()
    {
        var pem = _fake.Key.ExportEncryptedPkcs8PrivateKeyPem("s3cret", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000));
        var env = new Dictionary<string, string> { ["SF_KEY"] = pem, ["SF_PASS"] = "s3cret" };

        var c = SnowflakeConnection.Parse("account=a;user=u;private_key=${SF_KEY};private_key_passphrase=${SF_PASS}", env.GetValueOrDefault);
        var noPass = Assert.Throws<ConnectionStringException>(() => SnowflakeConnection.Parse("account=a;user=u;private_key=${SF_KEY}", env.GetValueOrDefault));

        Assert.Equal(_fake.Key.ExportSubjectPublicKeyInfo(), c.PrivateKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(new Uri("https://a.snowflakecomputing.com"), c.BaseAddress);
        Assert.Contains("private_key_passphrase", noPass.Message);
    }

    public void Dispose() => _fake.Dispose();
}
