using Gds.Kafka.Clients;
using Gds.Kafka.Configuration;

namespace Gds.Kafka.Tests;

public class KafkaSecurityTests
{
    private static string TempFile(string content)
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Every_client_gets_the_security_settings_with_the_password_read_from_its_file()
    {
        var ca = TempFile("-----BEGIN CERTIFICATE-----");
        var options = new KafkaOptions
        {
            BootstrapServers = "kafka-1:9093", SecurityProtocol = "SASL_SSL", SaslMechanism = "SCRAM-SHA-512",
            SaslUsername = "gds", SaslPasswordFile = TempFile("s3cret-from-file\n"), SslCaLocation = ca,
        };
        Assert.Empty(KafkaOptionsValidator.Problems(options));
        var clients = new KafkaClientFactory(options);
        var configs = new ClientConfig[] { clients.ProducerConfig("p"), clients.ConsumerConfig("g", "c"), clients.AdminConfig("a") };
        foreach (var c in configs)
        {
            Assert.Equal("kafka-1:9093", c.BootstrapServers);
            Assert.Equal(SecurityProtocol.SaslSsl, c.SecurityProtocol);
            Assert.Equal(SaslMechanism.ScramSha512, c.SaslMechanism);
            Assert.Equal("gds", c.SaslUsername);
            Assert.Equal("s3cret-from-file", c.SaslPassword);
            Assert.Equal(ca, c.SslCaLocation);
        }
        Assert.Equal("SASL_SSL", clients.SecurityProtocol);
    }

    [Fact]
    public void Plaintext_adds_nothing_to_the_clients()
    {
        var clients = new KafkaClientFactory(new KafkaOptions { BootstrapServers = "b:9092" });
        Assert.Empty(clients.Properties);
        Assert.Null(clients.ProducerConfig("p").SecurityProtocol);
        Assert.Equal("PLAINTEXT", clients.SecurityProtocol);
    }

    [Theory]
    [InlineData("SSLL", null, null, null, "Kafka:SecurityProtocol: 'SSLL' is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL")]
    [InlineData("SSL", "PLAIN", null, null, "Kafka:SaslMechanism: 'PLAIN' needs a SASL protocol")]
    [InlineData("SASL_SSL", "PLAIN", "gds", null, "Kafka:SaslUsername: set without a password")]
    [InlineData("SASL_SSL", "GSSAPI", "gds", "pw", "Kafka:SaslMechanism: 'GSSAPI' is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER")]
    [InlineData("SASL_PLAINTEXT", null, "gds", "pw", "Kafka:SaslMechanism: SASL_PLAINTEXT needs one of")]
    [InlineData(null, null, "gds", "pw", "SASL credentials need Kafka:SecurityProtocol SASL_PLAINTEXT or SASL_SSL")]
    public void Wrong_combinations_are_refused_naming_the_key(string? protocol, string? mechanism, string? user, string? password, string expected)
    {
        var problems = KafkaOptionsValidator.Problems(new KafkaOptions
        {
            BootstrapServers = "b:9092", SecurityProtocol = protocol, SaslMechanism = mechanism, SaslUsername = user, SaslPassword = password,
        });
        Assert.Contains(problems, p => p.StartsWith(expected, StringComparison.Ordinal) || p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Files_that_do_not_exist_are_refused_naming_the_key_and_the_path()
    {
        var problems = KafkaOptionsValidator.Problems(new KafkaOptions
        {
            BootstrapServers = "b:9093", SecurityProtocol = "SASL_SSL", SaslMechanism = "PLAIN", SaslUsername = "gds",
            SaslPasswordFile = "/no/such/password", SslCaLocation = "/no/such/ca.pem",
        });
        Assert.Contains("Kafka:SaslPasswordFile: /no/such/password does not exist", problems);
        Assert.Contains("Kafka:SslCaLocation: /no/such/ca.pem does not exist", problems);
    }

    [Fact]
    public void Tls_files_with_a_plaintext_protocol_are_refused()
    {
        var problems = KafkaOptionsValidator.Problems(new KafkaOptions { BootstrapServers = "b:9092", SslCaLocation = TempFile("x") });
        Assert.Contains(problems, p => p.StartsWith("Kafka:SslCaLocation: set, but Kafka:SecurityProtocol is PLAINTEXT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_ssl_client_against_a_plaintext_broker_fails_within_seconds_naming_ssl_and_the_broker()
    {
        using var broker = Embedded.EmbeddedBroker.Start();
        var clients = new KafkaClientFactory(new KafkaOptions { BootstrapServers = broker.BootstrapServers, SecurityProtocol = "SSL" });
        var started = DateTime.UtcNow;
        var ex = await Assert.ThrowsAsync<KafkaUnreachableException>(() => KafkaReachability.CheckHandshakeAsync(clients, TimeSpan.FromSeconds(20)));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), $"took {DateTime.UtcNow - started}");
        Assert.StartsWith($"cannot reach Kafka at {broker.BootstrapServers} over SSL: ", ex.Message);
        Assert.Contains("SSL", ex.Message[$"cannot reach Kafka at {broker.BootstrapServers} over SSL: ".Length..]);
    }

    [Fact]
    public async Task A_plaintext_client_passes_the_handshake_check_at_once()
    {
        using var broker = Embedded.EmbeddedBroker.Start();
        var started = DateTime.UtcNow;
        await KafkaReachability.CheckHandshakeAsync(new KafkaClientFactory(broker.BootstrapServers), TimeSpan.FromSeconds(20));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
    }
}
