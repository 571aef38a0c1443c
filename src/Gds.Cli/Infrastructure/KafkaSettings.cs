using Spectre.Console;

namespace Gds.Cli.Infrastructure;

/// <summary>Options every Kafka-facing subcommand takes, so each can run against the embedded broker or a real cluster.</summary>
public class KafkaSettings : GdsSettings
{
    [CommandOption("--bootstrap <SERVERS>")]
    [Description("Kafka bootstrap servers (host:port,...). Else --bootstrap-file, Kafka:BootstrapServers (GDS_Kafka__BootstrapServers), or GDS_BOOTSTRAP. Security: Kafka:SecurityProtocol etc., see docs/configuration.md.")]
    public string? Bootstrap { get; init; }

    [CommandOption("--bootstrap-file <FILE>")]
    [Description("Read the bootstrap servers from a file, as written by `gds kafka --bootstrap-file`.")]
    public string? BootstrapFile { get; init; }

    [CommandOption("--format <FORMAT>")]
    [Description("What this process writes to Kafka: json (default) or avro (Confluent wire format; needs --schema-registry). Both are read either way. Else Kafka:Format.")]
    public string? Format { get; init; }

    [CommandOption("--schema-registry <URL>")]
    [Description("The schema registry for Avro records, e.g. http://registry:8081 (Confluent Schema Registry, Karapace, Apicurio), or the URL `gds kafka --schema-registry-file` wrote. Else Kafka:SchemaRegistryUrl; basic auth from Kafka:SchemaRegistryUsername and Kafka:SchemaRegistryPassword(File).")]
    public string? SchemaRegistry { get; init; }

    [CommandOption("--config <FILE>")]
    [Description("Configuration file: the JSON settings (default ./gds.json when present; GDS_* environment variables and flags override it). For `gds collect`, a deprecated alias of --targets.")]
    public string? ConfigFile { get; init; }

    public override string? SettingsFile => ConfigFile;

    public override IEnumerable<KeyValuePair<string, string?>> ConfigurationOverrides()
    {
        if (!string.IsNullOrWhiteSpace(Bootstrap)) yield return new("Kafka:BootstrapServers", Bootstrap.Trim());
        else if (!string.IsNullOrWhiteSpace(BootstrapFile))
        {
            if (!File.Exists(BootstrapFile)) throw new UsageException($"--bootstrap-file: {BootstrapFile} does not exist");
            yield return new("Kafka:BootstrapServers", File.ReadAllText(BootstrapFile).Trim());
        }
        if (!string.IsNullOrWhiteSpace(Format)) yield return new("Kafka:Format", Format.Trim());
        if (!string.IsNullOrWhiteSpace(SchemaRegistry)) yield return new("Kafka:SchemaRegistryUrl", SchemaRegistry.Trim());
    }

    public override ValidationResult Validate()
    {
        if (Bootstrap is not null && BootstrapFile is not null)
            return ValidationResult.Error("--bootstrap and --bootstrap-file are mutually exclusive");
        return ValidationResult.Success();
    }
}

/// <summary>The settings of a long-running verb: it runs on the Generic Host.</summary>
public class HostedVerbSettings : KafkaSettings
{
    [CommandOption("--print-config")]
    [Description("Print the configuration this verb would run with (every source applied, secrets redacted) and exit.")]
    public bool PrintConfig { get; init; }

    [CommandOption("--http <HOST:PORT>")]
    [Description("Serve /healthz, /readyz and /metrics (Prometheus text format) on this address, e.g. 127.0.0.1:9464 (0.0.0.0:9464 for every interface). Else Http:Listen; off when unset.")]
    public string? Http { get; init; }

    /// <summary>Who this process is in its self-report and logs: gds-NAME@HOST (SelfReport:Identity overrides it).</summary>
    public virtual string ProcessName => "gds";

    public override IEnumerable<KeyValuePair<string, string?>> ConfigurationOverrides()
    {
        foreach (var o in base.ConfigurationOverrides()) yield return o;
        if (Http is not null) yield return new("Http:Listen", Http);
    }

    public override ValidationResult Validate()
    {
        if (Http is not null && !Gds.Cli.Http.ListenAddress.TryParse(Http, out _, out var problem)) return ValidationResult.Error($"--http: {problem}");
        return base.Validate();
    }
}

/// <summary>A command line that is wrong in a way only the command itself can see; exits with code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
