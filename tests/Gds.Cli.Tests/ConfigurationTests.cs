using System.Text.Json;

namespace Gds.Cli.Tests;

/// <summary>
/// Each documented section reaches the options its verb runs with: a value in the JSON file or a GDS_ variable is
/// seen, a flag wins over both, a wrong value stops the verb naming the key. Read through `--print-config`, which
/// prints exactly the bound options the verb's services are given.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class ConfigurationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gds-config-").FullName;
    private readonly List<string> _variables = [];

    private string Json(string content)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, content);
        return path;
    }

    private void Env(string name, string value)
    {
        _variables.Add(name);
        Environment.SetEnvironmentVariable(name, value);
    }

    private static async Task<JsonElement> PrintConfig(params string[] args)
    {
        var (code, output, error) = await CliRunner.RunAsync([.. args, "--print-config"]);
        Assert.True(code == 0, $"exit {code}: {error}");
        return JsonDocument.Parse(output).RootElement;
    }

    private static string Targets => Path.Combine(AppContext.BaseDirectory, "examples", "targets.yaml");

    [Fact]
    public async Task Kafka_settings_come_from_the_file_then_the_environment_then_the_flags()
    {
        var file = Json("""{"Kafka": {"BootstrapServers": "from-file:9092", "SecurityProtocol": "SASL_SSL", "SaslMechanism": "PLAIN", "SaslUsername": "from-file"}}""");
        Env("GDS_Kafka__SaslUsername", "from-env");
        Env("GDS_Kafka__SaslPassword", "env-secret-4711");

        var kafka = (await PrintConfig("streams", "--config", file)).GetProperty("Kafka");
        Assert.Equal("from-file:9092", kafka.GetProperty("BootstrapServers").GetString());
        Assert.Equal("SASL_SSL", kafka.GetProperty("SecurityProtocol").GetString());
        Assert.Equal("from-env", kafka.GetProperty("SaslUsername").GetString());
        Assert.Equal("***", kafka.GetProperty("SaslPassword").GetString());

        var flagged = (await PrintConfig("sink", "--config", file, "--bootstrap", "from-flag:9092", "--notify-url", "http://n")).GetProperty("Kafka");
        Assert.Equal("from-flag:9092", flagged.GetProperty("BootstrapServers").GetString());
    }

    [Fact]
    public async Task GDS_BOOTSTRAP_still_names_the_cluster_when_nothing_else_does()
    {
        Env("GDS_BOOTSTRAP", "legacy:9092");
        var kafka = (await PrintConfig("streams")).GetProperty("Kafka");
        Assert.Equal("legacy:9092", kafka.GetProperty("BootstrapServers").GetString());
    }

    [Fact]
    public async Task A_wrong_kafka_setting_stops_every_verb_with_exit_2_naming_the_key()
    {
        Env("GDS_Kafka__SecurityProtocol", "SSLL");
        foreach (var args in new[] { new[] { "streams", "--bootstrap", "b:9092" }, ["rules", "publish", Path.Combine(AppContext.BaseDirectory, "examples", "rules"), "--bootstrap", "b:9092"] })
        {
            var (code, _, error) = await CliRunner.RunAsync(args);
            Assert.Equal(2, code);
            Assert.Contains("gds: Kafka:SecurityProtocol: 'SSLL' is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL", error);
        }
    }

    [Fact]
    public async Task Streams_and_hygiene_settings_reach_the_topology_and_flags_win()
    {
        var file = Json("""
            {"Kafka": {"BootstrapServers": "b:9092"},
             "Streams": {"ApplicationId": "from-file", "Threads": 3, "CommitInterval": "00:00:02"},
             "Hygiene": {"ExpireWhenClearGrace": "00:10:00"}}
            """);
        Env("GDS_Hygiene__AckClockTolerance", "00:02:30");
        var config = await PrintConfig("streams", "--config", file, "--threads", "2", "--grace", "5s");
        var streams = config.GetProperty("Streams");
        Assert.Equal("from-file", streams.GetProperty("ApplicationId").GetString());
        Assert.Equal(2, streams.GetProperty("Threads").GetInt32());
        Assert.Equal("00:00:02", streams.GetProperty("CommitInterval").GetString());
        Assert.Equal("00:00:05", streams.GetProperty("Grace").GetString());
        var hygiene = config.GetProperty("Hygiene");
        Assert.Equal("00:10:00", hygiene.GetProperty("ExpireWhenClearGrace").GetString());
        Assert.Equal("00:02:30", hygiene.GetProperty("AckClockTolerance").GetString());
    }

    [Fact]
    public async Task A_wrong_streams_setting_names_the_key()
    {
        var file = Json("""{"Kafka": {"BootstrapServers": "b:9092"}, "Streams": {"SessionTimeout": "00:00:00.2"}}""");
        var (code, _, error) = await CliRunner.RunAsync("streams", "--config", file);
        Assert.Equal(2, code);
        Assert.Contains("gds: Streams:SessionTimeout: must be at least 1s", error);
    }

    [Fact]
    public async Task Sink_settings_come_from_the_file_and_the_environment_and_flags_win()
    {
        var file = Json("""{"Kafka": {"BootstrapServers": "b:9092"}, "Sink": {"NotifyUrl": "http://from-file", "MaxInFlight": 77, "Retry": {"MaxAttempts": 4}}}""");
        Env("GDS_Sink__DefaultRoute", "from-env");
        var sink = (await PrintConfig("sink", "--config", file)).GetProperty("Sink");
        Assert.Equal("http://from-file", sink.GetProperty("NotifyUrl").GetString());
        Assert.Equal(77, sink.GetProperty("MaxInFlight").GetInt32());
        Assert.Equal(4, sink.GetProperty("Retry").GetProperty("MaxAttempts").GetInt32());
        Assert.Equal("from-env", sink.GetProperty("DefaultRoute").GetString());

        var flagged = (await PrintConfig("sink", "--config", file, "--notify-url", "http://from-flag", "--token-env", "MY_TOKEN")).GetProperty("Sink");
        Assert.Equal("http://from-flag", flagged.GetProperty("NotifyUrl").GetString());
        Assert.Equal("MY_TOKEN", flagged.GetProperty("AuthTokenEnvironmentVariable").GetString());
    }

    [Fact]
    public async Task Collector_publisher_and_snowflake_settings_come_from_the_environment_and_flags_win()
    {
        Env("GDS_Kafka__BootstrapServers", "b:9092");
        Env("GDS_Collector__CollectorId", "from-env");
        Env("GDS_Collector__MaxConcurrentScrapes", "5");
        Env("GDS_Collector__Publisher__MaxInFlight", "1234");
        Env("GDS_Collector__Snowflake__StatementTimeoutSeconds", "99");
        var config = await PrintConfig("collect", "--targets", Targets);
        Assert.Equal("from-env", config.GetProperty("Collector").GetProperty("CollectorId").GetString());
        Assert.Equal(5, config.GetProperty("Collector").GetProperty("MaxConcurrentScrapes").GetInt32());
        Assert.Equal(1234, config.GetProperty("Collector:Publisher").GetProperty("MaxInFlight").GetInt32());
        Assert.Equal(Path.Combine(".gds", "spool", "from-env"), config.GetProperty("Collector:Publisher").GetProperty("SpoolDirectory").GetString());
        Assert.Equal(99, config.GetProperty("Collector:Snowflake").GetProperty("StatementTimeoutSeconds").GetInt32());

        var flagged = await PrintConfig("collect", "--config", Targets, "--concurrency", "9", "--spool-dir", "/tmp/spool-x", "--collector-id", "from-flag");
        Assert.Equal(9, flagged.GetProperty("Collector").GetProperty("MaxConcurrentScrapes").GetInt32());
        Assert.Equal("from-flag", flagged.GetProperty("Collector").GetProperty("CollectorId").GetString());
        Assert.Equal("/tmp/spool-x", flagged.GetProperty("Collector:Publisher").GetProperty("SpoolDirectory").GetString());
    }

    [Fact]
    public async Task Collect_needs_its_targets_file()
    {
        var (code, _, error) = await CliRunner.RunAsync("collect", "--bootstrap", "b:9092");
        Assert.Equal(2, code);
        Assert.Contains("--targets TARGETS.yaml is required", error);
    }

    [Fact]
    public async Task Warehouse_settings_come_from_the_file_and_the_environment_and_flags_win_with_the_connection_masked()
    {
        var file = Json("""{"Kafka": {"BootstrapServers": "b:9092"}, "Warehouse": {"Target": "postgresql", "Batch": {"MaxRows": 1000}, "LoadRetry": {"MaxAttempts": 7}}}""");
        Env("GDS_Warehouse__Connection", "Host=dw;Password=dw-secret-0815");
        var config = await PrintConfig("dw-import", "--config", file, "--retention-days", "3");
        var warehouse = config.GetProperty("Warehouse");
        Assert.Equal(1000, warehouse.GetProperty("Batch").GetProperty("MaxRows").GetInt32());
        Assert.Equal(7, warehouse.GetProperty("LoadRetry").GetProperty("MaxAttempts").GetInt32());
        Assert.Equal(3, warehouse.GetProperty("Retention").GetProperty("Days").GetInt32());
        Assert.Equal("postgresql", config.GetProperty("Warehouse (connection)").GetProperty("Target").GetString());
        Assert.Equal("***", config.GetProperty("Warehouse (connection)").GetProperty("Connection").GetString());
        Assert.DoesNotContain("dw-secret-0815", config.GetRawText());

        var flagged = await PrintConfig("dw-import", "--config", file, "--batch-rows", "10", "--target", "snowflake");
        Assert.Equal(10, flagged.GetProperty("Warehouse").GetProperty("Batch").GetProperty("MaxRows").GetInt32());
        Assert.Equal("snowflake", flagged.GetProperty("Warehouse (connection)").GetProperty("Target").GetString());
    }

    [Fact]
    public async Task Every_verb_takes_verbose()
    {
        string[][] verbs =
        [
            ["dev"], ["kafka"], ["collect"], ["streams"], ["sink"], ["dw-import"], ["metrics"], ["rules", "validate"], ["rules", "publish"],
            ["rules", "backtest"], ["silence", "add"], ["silence", "list"], ["silence", "expire"], ["ack"], ["ui"], ["dlq", "replay"],
        ];
        foreach (var verb in verbs)
        {
            // Help goes through Spectre's console, which would otherwise keep the stdout of the first test that used it.
            using var output = new StringWriter();
            var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(output) });
            var code = await GdsApp.RunAsync([.. verb, "--help"], console: console);
            Assert.True(code == 0, $"gds {string.Join(' ', verb)} --help: exit {code}");
            Assert.True(output.ToString().Contains("--verbose", StringComparison.Ordinal), $"gds {string.Join(' ', verb)} --help has no --verbose");
        }
    }

    public void Dispose()
    {
        foreach (var v in _variables) Environment.SetEnvironmentVariable(v, null);
        Directory.Delete(_dir, recursive: true);
    }
}
