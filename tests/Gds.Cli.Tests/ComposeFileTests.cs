using System.Diagnostics;
using Gds.Cli.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Gds.Cli.Tests;

/// <summary>
/// docker/compose.yaml as `docker-compose config` resolves it (Debian's docker-compose, no daemon needed): valid, every
/// gds service restarted and health-checked on /readyz, the one-shot topics step waited for, no unused volume, and every
/// gds command line one that `gds` accepts.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class ComposeFileTests
{
    private static readonly Dictionary<string, string> Secrets = new()
    {
        ["GDS_NOTIFY_URL"] = "http://notify.internal:8080",
        ["GDS_NOTIFY_TOKEN"] = "token-for-the-test",
        ["GDS_DW_PASSWORD"] = "dw-password-for-the-test",
        ["PG_MONITOR_PASSWORD"] = "monitor-password-for-the-test",
    };

    private const string Image = "gds-streams";
    private static readonly string[] OneShot = ["topics", "rules"];
    private static readonly string[] LongRunning = ["collect", "streams", "sink", "dw-import"];
    private static readonly string[] Avro = ["--format", "avro", "--schema-registry", "http://schema-registry:8081"];

    [ComposeFact]
    public async Task Compose_accepts_the_file_and_every_gds_service_restarts_is_health_checked_on_readyz_and_waits_for_the_topics_step()
    {
        var services = (await ResolvedAsync()).Services;

        var gds = services.Where(s => Scalar(s.Value, "image") == Image).Select(s => s.Key).Order().ToList();
        Assert.Equal([.. OneShot.Concat(LongRunning).Order()], gds);
        // The topics step registers the schemas too, so an incompatible schema fails the deployment step, not a process.
        Assert.Equal(["topics", "apply", "--bootstrap", "kafka:9092", "--partitions", "6", "--replication-factor", "1", "--schema-registry", "http://schema-registry:8081"], Command(services["topics"]));
        Assert.Equal("service_healthy", DependsOn(services["topics"])["schema-registry"]);
        // A one-shot that fails (a broker still electing its controller) runs again; one that exits 0 is done.
        Assert.Equal("on-failure", Scalar(services["topics"], "restart"));
        Assert.Equal("on-failure", Scalar(services["rules"], "restart"));
        Assert.Equal("service_healthy", DependsOn(services["topics"])["kafka"]);
        Assert.Equal(["rules", "publish", "/config/rules", "--bootstrap", "kafka:9092", "--prune", .. Avro], Command(services["rules"]));
        // Every process that writes or reads records does so in Avro through the registry, once it is healthy.
        foreach (var name in gds.Where(n => n != "topics"))
        {
            Assert.True(Command(services[name]).SkipWhile(a => a != "--format").Take(4).SequenceEqual(Avro), $"{name} is not on Avro: {string.Join(' ', Command(services[name]))}");
            Assert.True(DependsOn(services[name]).GetValueOrDefault("schema-registry") == "service_healthy", $"{name} does not wait for the schema registry");
        }
        Assert.StartsWith("confluentinc/cp-schema-registry:", Scalar(services["schema-registry"], "image"));
        Assert.Equal("backward", Scalar((YamlMappingNode)services["schema-registry"].Children["environment"], "SCHEMA_REGISTRY_SCHEMA_COMPATIBILITY_LEVEL"));
        foreach (var name in gds.Where(n => n != "topics"))
            Assert.True(DependsOn(services[name]).GetValueOrDefault("topics") == "service_completed_successfully", $"{name} does not wait for the topics step");
        Assert.Equal("service_completed_successfully", DependsOn(services["streams"])["rules"]);
        Assert.Equal("service_healthy", DependsOn(services["dw-import"])["postgres"]);

        foreach (var name in LongRunning)
        {
            var s = services[name];
            Assert.Equal("unless-stopped", Scalar(s, "restart"));
            var command = Command(s);
            var listen = command[command.IndexOf("--http") + 1];
            Assert.Equal("0.0.0.0:9400", listen);
            var test = Sequence((YamlMappingNode)s.Children["healthcheck"], "test");
            Assert.Equal(["CMD", "dotnet", "gds.dll", "probe", "http://127.0.0.1:9400/readyz"], test);
        }
        Assert.Contains("--init", Command(services["dw-import"]));
        Assert.Equal(["--state-dir", "/var/lib/gds/state"], Command(services["streams"]).SkipWhile(a => a != "--state-dir").Take(2));
        Assert.Equal(["--spool-dir", "/var/lib/gds/spool"], Command(services["collect"]).SkipWhile(a => a != "--spool-dir").Take(2));
        Assert.StartsWith("postgres:15", Scalar(services["postgres"], "image"));
        Assert.StartsWith("apache/kafka:", Scalar(services["kafka"], "image"));
        Assert.Contains("controller", Scalar((YamlMappingNode)services["kafka"].Children["environment"], "KAFKA_PROCESS_ROLES"));
    }

    [ComposeFact]
    public async Task Every_named_volume_is_mounted_where_a_service_keeps_its_state()
    {
        var resolved = await ResolvedAsync();
        // "source:target[:mode]", or just "target" for an anonymous volume.
        var mounts = resolved.Services.SelectMany(s => Volumes(s.Value).Select(v => v.Split(':')).Select(p =>
            (Service: s.Key, Source: p.Length > 1 ? p[0] : "", Target: p.Length > 1 ? p[1] : p[0]))).ToList();
        Assert.All(resolved.VolumeNames, v => Assert.Contains(mounts, m => m.Source == v));
        Assert.Contains(mounts, m => m is { Service: "kafka", Source: "kafka-data", Target: "/var/lib/kafka/data" });
        Assert.Contains(mounts, m => m is { Service: "collect", Source: "collector-spool", Target: "/var/lib/gds/spool" });
        Assert.Contains(mounts, m => m is { Service: "postgres", Source: "warehouse-data", Target: "/var/lib/postgresql/data" });
        // One state directory per replica, so that `--scale streams=N` never shares a RocksDB directory.
        Assert.Contains(mounts, m => m.Service == "streams" && m.Target == "/var/lib/gds/state" && !resolved.VolumeNames.Contains(m.Source));
    }

    [ComposeFact]
    public async Task Without_a_required_secret_compose_refuses_to_start_and_names_it()
    {
        var env = new Dictionary<string, string>(Secrets);
        env.Remove("GDS_NOTIFY_TOKEN");
        var (code, _, stderr) = await DockerComposeConfigAsync(env);
        Assert.NotEqual(0, code);
        Assert.Contains("GDS_NOTIFY_TOKEN", stderr);
    }

    [ComposeFact]
    public async Task The_one_shot_steps_are_gds_command_lines_gds_accepts()
    {
        var services = (await ResolvedAsync()).Services;
        foreach (var name in OneShot)
            Assert.Null(await CommandLineCheck.ProblemAsync(Command(services[name])));
    }

    [ComposeFact]
    public async Task Every_gds_command_line_of_the_compose_file_is_one_gds_accepts()
    {
        var services = (await ResolvedAsync()).Services;
        foreach (var name in OneShot.Concat(LongRunning))
        {
            var problem = await CommandLineCheck.ProblemAsync(Command(services[name]));
            Assert.True(problem is null, $"compose service {name}: gds {string.Join(' ', Command(services[name]))}: {problem}");
        }
    }

    [Fact]
    public async Task The_command_line_check_refuses_a_renamed_option_an_unknown_verb_and_a_bad_value()
    {
        Assert.Null(await CommandLineCheck.ProblemAsync(["sink", "--bootstrap", "kafka:9092", "--notify-url", "http://notify:8080"]));
        Assert.Contains("notify-urll", await CommandLineCheck.ProblemAsync(["sink", "--bootstrap", "kafka:9092", "--notify-urll", "http://notify:8080"]));
        Assert.NotNull(await CommandLineCheck.ProblemAsync(["sinks", "--bootstrap", "kafka:9092"]));
        Assert.Contains("--grace", await CommandLineCheck.ProblemAsync(["streams", "--bootstrap", "kafka:9092", "--grace", "soon"]));
    }

    private sealed record Resolved(Dictionary<string, YamlMappingNode> Services, IReadOnlySet<string> VolumeNames);

    private static async Task<Resolved> ResolvedAsync()
    {
        var (code, stdout, stderr) = await DockerComposeConfigAsync(Secrets);
        Assert.True(code == 0, $"docker-compose config exited {code}: {stderr}");
        var yaml = new YamlStream();
        yaml.Load(new StringReader(stdout));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var services = ((YamlMappingNode)root.Children["services"]).Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => (YamlMappingNode)c.Value);
        var volumes = root.Children.TryGetValue("volumes", out var v) ? ((YamlMappingNode)v).Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet() : [];
        return new Resolved(services, volumes);
    }

    private static async Task<(int Code, string Out, string Err)> DockerComposeConfigAsync(Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo("docker-compose")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoRoot(),
        };
        foreach (var a in new[] { "-f", "docker/compose.yaml", "config" }) psi.ArgumentList.Add(a);
        foreach (var name in Secrets.Keys) psi.Environment.Remove(name);
        foreach (var (k, value) in env) psi.Environment[k] = value;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>The command as the container gets it: compose writes a literal $ as $$.</summary>
    private static List<string> Command(YamlMappingNode service) => Sequence(service, "command").Select(a => a.Replace("$$", "$")).ToList();

    private static List<string> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var v) ? ((YamlSequenceNode)v).Children.Select(c => ((YamlScalarNode)c).Value!).ToList() : [];

    private static List<string> Volumes(YamlMappingNode service) => Sequence(service, "volumes");

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var v) ? ((YamlScalarNode)v).Value : null;

    private static Dictionary<string, string> DependsOn(YamlMappingNode service) =>
        service.Children.TryGetValue("depends_on", out var d)
            ? ((YamlMappingNode)d).Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => Scalar((YamlMappingNode)c.Value, "condition") ?? "")
            : [];

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GdsStreams.sln"))) return dir.FullName;
        throw new InvalidOperationException("GdsStreams.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Needs Debian's docker-compose (scripts/services.sh installs it); skipped without it locally, failed under CI=true.</summary>
public sealed class ComposeFactAttribute : FactAttribute
{
    public ComposeFactAttribute()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, "docker-compose")));
        if (!onPath && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Skip = "docker-compose is not installed: run scripts/services.sh start (or ./test.sh), which installs Debian's docker-compose";
    }
}
