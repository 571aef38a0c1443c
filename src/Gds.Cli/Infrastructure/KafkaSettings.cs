using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gds.Cli.Infrastructure;

/// <summary>Options every Kafka-facing subcommand takes, so each can run against the embedded broker or a real cluster.</summary>
public class KafkaSettings : CommandSettings
{
    [CommandOption("--bootstrap <SERVERS>")]
    [Description("Kafka bootstrap servers (host:port,...). Else GDS_BOOTSTRAP, --bootstrap-file, or Kafka:BootstrapServers in the config file.")]
    public string? Bootstrap { get; init; }

    [CommandOption("--bootstrap-file <FILE>")]
    [Description("Read the bootstrap servers from a file, as written by `gds kafka --bootstrap-file`.")]
    public string? BootstrapFile { get; init; }

    [CommandOption("--config <FILE>")]
    [Description("Configuration file: the JSON settings (default ./gds.json when present; GDS_* environment variables override it); for `gds collect`, the targets YAML.")]
    public string? ConfigFile { get; init; }

    public string ResolveBootstrap()
    {
        if (!string.IsNullOrWhiteSpace(Bootstrap)) return Bootstrap;
        if (!string.IsNullOrWhiteSpace(BootstrapFile))
        {
            if (!File.Exists(BootstrapFile)) throw new UsageException($"--bootstrap-file: {BootstrapFile} does not exist");
            return File.ReadAllText(BootstrapFile).Trim();
        }
        var fromConfig = GdsConfiguration.Load(ConfigFile)["Kafka:BootstrapServers"];
        if (!string.IsNullOrWhiteSpace(fromConfig)) return fromConfig;
        var env = Environment.GetEnvironmentVariable("GDS_BOOTSTRAP");
        if (!string.IsNullOrWhiteSpace(env)) return env;
        throw new UsageException("no Kafka bootstrap servers: pass --bootstrap HOST:PORT (or --bootstrap-file, GDS_BOOTSTRAP, Kafka:BootstrapServers)");
    }

    public override ValidationResult Validate()
    {
        if (Bootstrap is not null && BootstrapFile is not null)
            return ValidationResult.Error("--bootstrap and --bootstrap-file are mutually exclusive");
        return ValidationResult.Success();
    }
}

/// <summary>A command line that is wrong in a way only the command itself can see; exits with code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
