using System.Text.RegularExpressions;
using Gds.Bench.Warehouse;
using Microsoft.Extensions.Logging;

namespace Gds.Bench.Commands;

/// <summary>
/// `gds bench dw`: rows/s from the embedded broker into PostgreSQL. Without --connection it starts a throw-away
/// PostgreSQL through scripts/services.sh (the tests' server, but with production durability) and stops it afterwards.
/// </summary>
public sealed partial class BenchDwCommand : AsyncCommand<BenchDwCommand.Settings>
{
    public sealed class Settings : Gds.Cli.Infrastructure.GdsSettings
    {
        [CommandOption("--rows <ROWS>")]
        [Description("Metric records to produce and import (default 2000000).")]
        public int Rows { get; init; } = 2_000_000;

        [CommandOption("--partitions <N>")]
        [Description("Partitions per metric topic (default 8; the embedded broker keeps only about 5 MB per partition).")]
        public int Partitions { get; init; } = 8;

        [CommandOption("--batch-rows <ROWS>")]
        [Description("Rows per load (default 100000).")]
        public int BatchRows { get; init; } = 100_000;

        [CommandOption("--load-sessions <N>")]
        [Description("PostgreSQL sessions loading slices of a batch in parallel (default 2).")]
        public int LoadSessions { get; init; } = 2;

        [CommandOption("--connection <CONNECTION>")]
        [Description("A PostgreSQL server to use (a database gds_bench_* is created and dropped on it). Default: start one with scripts/services.sh.")]
        public string? Connection { get; init; }

        [CommandOption("--keep")]
        [Description("Keep the benchmark database afterwards.")]
        public bool Keep { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Rows < 1 || settings.Partitions < 1 || settings.BatchRows < 1 || settings.LoadSessions < 1)
            throw new UsageException("--rows, --partitions, --batch-rows and --load-sessions must be at least 1");
        using var loggers = Logging.Create();
        using var stop = Shutdown.OnSignals(cancellationToken);
        string? servicesDir = null;
        var connection = settings.Connection;
        try
        {
            if (connection is null) (connection, servicesDir) = StartPostgres();
            if (servicesDir is not null) Console.WriteLine("bench dw: PostgreSQL 15 started by scripts/services.sh --durable (fsync, synchronous_commit and full_page_writes on, max_wal_size 4GB)");
            var result = await DwBenchmark.RunAsync(connection, new DwBenchmarkOptions
            {
                Rows = settings.Rows,
                Partitions = settings.Partitions,
                BatchRows = settings.BatchRows,
                LoadSessions = settings.LoadSessions,
                KeepDatabase = settings.Keep,
            }, loggers, stop.Token);
            Console.WriteLine($"bench dw: {result.Totals.Rows:N0} rows imported in {result.ImportTime.TotalSeconds:0.00} s = {result.RowsPerSecond:N0} rows/s " +
                              $"({result.Totals.Batches} batches of up to {settings.BatchRows:N0}; {result.Totals.LoadTime.TotalSeconds:0.00} s inside loads; " +
                              $"{result.ImportCpu.TotalSeconds:0.00} s CPU in this process = {result.ImportCpu.TotalMicroseconds / Math.Max(1, result.Totals.Rows):0.00} µs/row; " +
                              $"producing took {result.ProduceTime.TotalSeconds:0.00} s; {result.LabelledShare:P0} of the samples labelled){(settings.Keep ? $"; database {result.Database} kept" : "")}");
            Console.WriteLine($"bench dw: re-import under another consumer group: {result.Reimport.Rows:N0} rows read, {result.Reimport.Inserted:N0} new, in {result.ReimportTime.TotalSeconds:0.00} s; " +
                              $"{result.FactRows:N0} rows in dw.fact_sample");
            var problems = new List<string>();
            if (result.Totals.Inserted != result.Produced) problems.Add($"the import inserted {result.Totals.Inserted} rows but {result.Produced} distinct samples were produced");
            if (result.Reimport.Inserted != 0 || result.Reimport.Rows != result.Produced) problems.Add($"the re-import read {result.Reimport.Rows} rows and inserted {result.Reimport.Inserted}; it must read all and insert none");
            if (result.FactRows != result.Produced) problems.Add($"dw.fact_sample holds {result.FactRows} rows, not {result.Produced}");
            foreach (var p in problems) Console.Error.WriteLine("bench dw: " + p);
            return problems.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        }
        finally
        {
            if (servicesDir is not null) RunServices($"stop {servicesDir}");
        }
    }

    private static (string Connection, string Dir) StartPostgres()
    {
        // Durable settings, as in production: the test server's fsync=off would flatter every figure.
        var output = RunServices("start --durable");
        string? Var(string name) => ExportLine().Matches(output).FirstOrDefault(m => m.Groups[1].Value == name)?.Groups[2].Value;
        return (Var("GDS_TEST_PG_CONNECTION") ?? throw new InvalidOperationException("scripts/services.sh start printed no GDS_TEST_PG_CONNECTION"),
            Var("GDS_TEST_SERVICES_DIR") ?? throw new InvalidOperationException("scripts/services.sh start printed no GDS_TEST_SERVICES_DIR"));
    }

    private static string RunServices(string arguments)
    {
        var script = FindScript() ?? throw new UsageException("scripts/services.sh not found (run from the repository, or pass --connection)");
        var psi = new ProcessStartInfo("bash", $"{script} {arguments}") { RedirectStandardOutput = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"scripts/services.sh {arguments} failed with exit code {p.ExitCode}");
        return stdout;
    }

    private static string? FindScript()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "scripts", "services.sh");
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    [GeneratedRegex(@"^export (\w+)='([^']*)'$", RegexOptions.Multiline)]
    private static partial Regex ExportLine();
}
