using Npgsql;
using WireMock.Server;

namespace Gds.EndToEnd.Tests.Processes;

/// <summary>
/// What a chain test deploys around its processes: a warehouse database of its own on the real test PostgreSQL, a
/// gds_notification receiver (WireMock, 202 to every POST /ingest), a working directory, `gds kafka` with its schema
/// registry, and every process it starts, each killed if still running and all of it removed on dispose. The rule
/// that pages once per database of the scraped server is the tests' own.
/// </summary>
internal sealed class ChainBed : IAsyncDisposable
{
    public static readonly TimeSpan Long = TimeSpan.FromSeconds(90);
    public const string MetricTopic = "gds.metrics.postgresql.production";

    private readonly List<GdsProcess> _processes = [];
    private readonly TestDatabase _warehouse;

    /// <summary>The test server: what the collector scrapes and where the warehouse database lives.</summary>
    public string Pg { get; }
    public string Dir { get; }
    public NpgsqlConnectionStringBuilder Warehouse => _warehouse.Connection;
    public WireMockServer Receiver { get; }
    /// <summary>
    /// Set for the processes started from now on. Self-reports are off: they would add gds.metrics.gds.* records to
    /// what the warehouse loads, and these tests count PostgreSQL's.
    /// </summary>
    public Dictionary<string, string> Environment { get; } = new() { ["GDS_SelfReport__Enabled"] = "false" };
    public IReadOnlyList<GdsProcess> Processes => _processes;
    public string Bootstrap { get; private set; } = "";
    public string Registry { get; private set; } = "";

    private ChainBed(string pg, string dir, TestDatabase warehouse, WireMockServer receiver)
    {
        Pg = pg;
        Dir = dir;
        _warehouse = warehouse;
        Receiver = receiver;
    }

    /// <summary>Creates the warehouse database and the receiver, and starts `gds kafka` with its registry.</summary>
    public static async Task<ChainBed> StartAsync(string name)
    {
        var pg = System.Environment.GetEnvironmentVariable("GDS_TEST_PG_CONNECTION")
                 ?? throw new InvalidOperationException("GDS_TEST_PG_CONNECTION is not set: run the tests with ./test.sh");
        var warehouse = await TestDatabase.CreateAsync(pg, $"gds_{name}");
        var receiver = WireMockServer.Start();
        receiver.Given(Request.Create().WithPath("/ingest").UsingPost()).RespondWith(Response.Create().WithStatusCode(202));
        var bed = new ChainBed(pg, Directory.CreateTempSubdirectory($"gds-{name}-").FullName, warehouse, receiver);
        try
        {
            var (bootstrapFile, registryFile) = (Path.Combine(bed.Dir, "bootstrap"), Path.Combine(bed.Dir, "registry"));
            var kafka = bed.Start("kafka", "kafka", "--bootstrap-file", bootstrapFile, "--schema-registry-file", registryFile, "--partitions", "2");
            await Eventually.Until(() => File.Exists(bootstrapFile) && File.Exists(registryFile), Long, "gds kafka to write its bootstrap and registry files",
                () => kafka.Tail());
            bed.Bootstrap = File.ReadAllText(bootstrapFile).Trim();
            bed.Registry = File.ReadAllText(registryFile).Trim();
            return bed;
        }
        catch
        {
            await bed.DisposeAsync();
            throw;
        }
    }

    public GdsProcess Start(string name, params string[] args)
    {
        var p = GdsProcess.Start(name, Environment, args);
        _processes.Add(p);
        return p;
    }

    /// <summary>Publishes a threshold rule <paramref name="ruleId"/> that fires for every database's size sample.</summary>
    public async Task PublishDatabaseSizeRuleAsync(string ruleId, params string[] options)
    {
        var rules = Path.Combine(Dir, "rules.yaml");
        await File.WriteAllTextAsync(rules, $$"""
            rules:
              - id: {{ruleId}}
                kind: threshold
                selector: {metric: pg_database_size_bytes, database_type: postgresql}
                op: ">"
                value: 1
                severity: WARNING
            """);
        var publish = Start("rules", ["rules", "publish", rules, "--bootstrap", Bootstrap, .. options]);
        Assert.True(await publish.WaitForExitAsync(Long) == 0, publish.Tail());
    }

    /// <summary>A targets file for `gds collect`: the test server as <paramref name="instance"/>, scraped every second.</summary>
    public async Task<string> TargetsAsync(string instance)
    {
        var targets = Path.Combine(Dir, "targets.yaml");
        await File.WriteAllTextAsync(targets, $"""
            targets:
              - id: {instance}
                type: postgresql
                environment: production
                connection: "{Pg}"
                interval: 1s
                timeout: 1s
            """);
        return targets;
    }

    public string Diagnostics() => ChainReads.Diagnostics(_processes);

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _processes) p.Dispose();
        Receiver.Dispose();
        await _warehouse.DisposeAsync();
        Directory.Delete(Dir, true);
    }
}
