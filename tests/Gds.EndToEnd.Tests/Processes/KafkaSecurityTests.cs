using Gds.Cli;

namespace Gds.EndToEnd.Tests.Processes;

/// <summary>What a user sees when the Kafka security settings do not match the cluster, and that secrets stay unprinted.</summary>
public class KafkaSecurityTests
{
    private static string Rules => RepoPaths.Examples("rules");

    [Fact]
    public async Task A_verb_configured_for_SSL_against_a_plaintext_broker_exits_1_within_seconds_naming_SSL_and_the_broker()
    {
        using var broker = EmbeddedBroker.Start();
        using var publish = GdsProcess.Start("rules publish", new Dictionary<string, string> { ["GDS_Kafka__SecurityProtocol"] = "SSL" },
            "rules", "publish", Rules, "--bootstrap", broker.BootstrapServers);

        var code = await publish.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, code);
        var line = Assert.Single(publish.Lines, l => l.Line.StartsWith("gds: cannot reach Kafka", StringComparison.Ordinal)).Line;
        var prefix = $"gds: cannot reach Kafka at {broker.BootstrapServers} over SSL: ";
        Assert.StartsWith(prefix, line);
        // The reason after it is librdkafka's own words, which vary with how the connection failed ("SSL handshake
        // failed …", "Disconnected …"): the line names the broker and SSL either way, and came within seconds.
        Assert.True(line.Length > prefix.Length, "no reason given: " + line);
    }

    [Fact]
    public async Task No_secret_reaches_the_output_even_at_verbose()
    {
        using var broker = EmbeddedBroker.Start();
        const string password = "pw-Zq81-never-printed";
        var passwordFile = Path.GetTempFileName();
        const string filePassword = "file-secret-93xk";
        await File.WriteAllTextAsync(passwordFile, filePassword);
        var environment = new Dictionary<string, string>
        {
            ["GDS_Kafka__SecurityProtocol"] = "SASL_SSL", ["GDS_Kafka__SaslMechanism"] = "SCRAM-SHA-512",
            ["GDS_Kafka__SaslUsername"] = "gds", ["GDS_Kafka__SaslPassword"] = password,
        };
        using var streams = GdsProcess.Start("streams", environment, "streams", "--bootstrap", broker.BootstrapServers, "--verbose");
        using var dump = GdsProcess.Start("print-config", new Dictionary<string, string>(environment) { ["GDS_Kafka__SaslPassword"] = "", ["GDS_Kafka__SaslPasswordFile"] = passwordFile },
            "sink", "--bootstrap", broker.BootstrapServers, "--notify-url", "http://localhost:1", "--verbose", "--print-config");

        Assert.Equal(1, await streams.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await dump.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("cannot reach Kafka", streams.Output);
        Assert.Contains("Kafka:SaslUsername = gds", streams.Output);
        Assert.Contains("Kafka:SaslPassword = ***", streams.Output);
        Assert.DoesNotContain(password, streams.Output);
        Assert.Contains("\"SaslPasswordFile\": \"" + passwordFile + "\"", dump.Output);
        Assert.DoesNotContain(filePassword, dump.Output);
        File.Delete(passwordFile);
    }
}
