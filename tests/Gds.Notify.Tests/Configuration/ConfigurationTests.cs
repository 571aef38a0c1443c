using Gds.Notify.Configuration;

namespace Gds.Notify.Tests.Configuration;

public class ConfigurationTests
{
    [Fact]
    public void Every_bad_setting_is_named_by_its_configuration_path()
    {
        var o = new SinkOptions { NotifyUrl = "notify:8080" };
        o.Retry.MaxAttempts = 0;
        o.Breaker.FailureRatio = 2;
        o.Email.SmtpHost = "smtp.example.org";
        o.Email.Security = "ssl3";
        o.Email.From = "not an address";
        o.Email.Recipients["dba"] = "ok@example.org, nope";

        var errors = SinkOptionsValidator.Errors(o);

        Assert.Contains("Sink:NotifyUrl 'notify:8080' is not an absolute http(s) URL", errors);
        Assert.Contains("Sink:Retry:MaxAttempts must be at least 1 (was 0)", errors);
        Assert.Contains("Sink:Breaker:FailureRatio must be in (0, 1] (was 2)", errors);
        Assert.Contains("Sink:Email:Security 'ssl3' is not one of None, StartTls, StartTlsWhenAvailable, SslOnConnect", errors);
        Assert.Contains("Sink:Email:From 'not an address' is not an email address", errors);
        Assert.Contains("Sink:Email:Recipients:dba: 'nope' is not an email address", errors);
    }

    [Fact]
    public void The_sink_refuses_to_start_on_a_bad_configuration()
    {
        var ex = Assert.Throws<SinkConfigurationException>(() =>
            new NotificationSink(new SinkOptions(), new Gds.Kafka.Clients.KafkaClientFactory("127.0.0.1:9"), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));
        Assert.Contains("Sink:NotifyUrl is required", ex.Message);
    }

    [Fact]
    public void A_token_file_that_does_not_exist_is_reported_by_path_and_nothing_else()
    {
        var ex = Assert.Throws<SinkConfigurationException>(() => SecretSource.Read(null, "/nonexistent/token", null, "Sink:AuthToken"));
        Assert.Equal("invalid sink configuration: Sink:AuthTokenFile: '/nonexistent/token' does not exist", ex.Message);
    }

    [Fact]
    public async Task The_token_is_read_from_a_file_sent_in_the_header_and_never_logged()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "file-token-7c1d\n");
        try
        {
            await using var h = await SinkHarness.StartAsync();
            var sink = h.StartSink(h.Options(o =>
            {
                o.AuthToken = null;
                o.AuthTokenFile = file;
                o.AuthHeaderName = "X-Api-Key";
                o.AuthScheme = "";
            }));
            await h.ProduceAsync(Alerts.Firing("evt-token"));
            await h.WaitFor(() => h.DeliveredIds().Count == 1, "delivered");
            Assert.Equal("file-token-7c1d", h.Requests()[0].Headers["X-Api-Key"]);
            Assert.DoesNotContain(h.Logs.Lines, l => l.Contains("file-token-7c1d"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_token_is_read_from_the_named_environment_variable()
    {
        var name = "GDS_TEST_NOTIFY_TOKEN_" + Guid.NewGuid().ToString("N")[..8];
        Environment.SetEnvironmentVariable(name, "env-token-51aa");
        try
        {
            await using var h = await SinkHarness.StartAsync();
            h.StartSink(h.Options(o =>
            {
                o.AuthToken = null;
                o.AuthTokenEnvironmentVariable = name;
            }));
            await h.ProduceAsync(Alerts.Firing("evt-env-token"));
            await h.WaitFor(() => h.DeliveredIds().Count == 1, "delivered");
            Assert.Equal("Bearer env-token-51aa", h.Requests()[0].Headers["Authorization"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}
