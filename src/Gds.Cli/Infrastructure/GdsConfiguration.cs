using Microsoft.Extensions.Configuration;

namespace Gds.Cli.Infrastructure;

/// <summary>
/// The configuration sources of every verb, lowest priority first: GDS_BOOTSTRAP (the oldest way to name the
/// cluster), the JSON file (--config FILE, else ./gds.json when present), GDS_-prefixed environment variables
/// (GDS_Kafka__BootstrapServers overrides Kafka:BootstrapServers), then the verb's own flags. Secrets belong in the
/// environment or in files, not in the JSON file.
/// </summary>
public static class GdsConfiguration
{
    public static IConfiguration Load(string? file) => AddSources(new ConfigurationBuilder(), file, []).Build();

    public static IConfigurationBuilder AddSources(IConfigurationBuilder builder, string? file, IEnumerable<KeyValuePair<string, string?>> flags)
    {
        if (Environment.GetEnvironmentVariable("GDS_BOOTSTRAP") is { Length: > 0 } bootstrap)
            builder.AddInMemoryCollection([new("Kafka:BootstrapServers", bootstrap.Trim())]);
        var path = file ?? Path.Combine(Directory.GetCurrentDirectory(), "gds.json");
        if (file is not null && !File.Exists(file)) throw new UsageException($"--config: {file} does not exist");
        if (File.Exists(path)) builder.AddJsonFile(Path.GetFullPath(path), optional: false);
        builder.AddEnvironmentVariables("GDS_");
        builder.AddInMemoryCollection(flags.Where(f => f.Value is not null));
        return builder;
    }
}
