using Microsoft.Extensions.Configuration;

namespace Gds.Cli.Infrastructure;

/// <summary>
/// .NET configuration for every subcommand: a JSON file, then GDS_-prefixed environment variables
/// (GDS_Kafka__BootstrapServers overrides Kafka:BootstrapServers). Secrets belong in the environment, not the file.
/// </summary>
public static class GdsConfiguration
{
    public static IConfiguration Load(string? file)
    {
        var builder = new ConfigurationBuilder();
        var path = file ?? Path.Combine(Directory.GetCurrentDirectory(), "gds.json");
        if (file is not null && !File.Exists(file)) throw new UsageException($"--config: {file} does not exist");
        if (File.Exists(path)) builder.AddJsonFile(Path.GetFullPath(path), optional: false);
        builder.AddEnvironmentVariables("GDS_");
        return builder.Build();
    }
}
