using System.Collections.Concurrent;
using System.Globalization;
using Gds.Contracts.Rules;
using Gds.Monitor;
using Gds.Monitor.Collectors;
using Gds.Monitor.Publishing;
using Gds.Monitor.Scheduling;
using Gds.Monitor.Targets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Gds.Contracts.Secrets;

namespace Gds.Bench.Commands;

public sealed class BenchCollectSettings : KafkaSettings
{
    [CommandOption("--connection <CONN>")]
    [Description("PostgreSQL connection every target uses. Default: GDS_TEST_PG_CONNECTION, else a server started with scripts/services.sh for the run.")]
    public string? Connection { get; init; }

    [CommandOption("--targets <LIST>")]
    [Description("Comma-separated target counts to run one after another (default 250,500,1000,1500,2000).")]
    [DefaultValue("250,500,1000,1500,2000")]
    public string Targets { get; init; } = "250,500,1000,1500,2000";

    [CommandOption("--interval <DURATION>")]
    [Description("Scrape interval of every target (default 30s).")]
    [DefaultValue("30s")]
    public string Interval { get; init; } = "30s";

    [CommandOption("--window <DURATION>")]
    [Description("How long each step is measured, after one interval of warm-up (default 60s).")]
    [DefaultValue("60s")]
    public string Window { get; init; } = "60s";

    [CommandOption("--concurrency <N>")]
    [Description("Scrapes at once (default 32).")]
    [DefaultValue(32)]
    public int Concurrency { get; init; } = 32;

    [CommandOption("--serve-broker <FILE>", IsHidden = true)]
    public string? ServeBroker { get; init; }

    public IReadOnlyList<int> TargetCounts => Targets.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();

    public override ValidationResult Validate()
    {
        if (!DurationText.TryParse(Interval, out var i) || i < TimeSpan.FromSeconds(1)) return ValidationResult.Error("--interval: a duration of at least 1s, e.g. 30s");
        if (!DurationText.TryParse(Window, out var w) || w < i) return ValidationResult.Error("--window: a duration at least as long as --interval");
        if (Concurrency < 1) return ValidationResult.Error("--concurrency must be at least 1");
        try
        {
            if (TargetCounts.Count == 0 || TargetCounts.Any(n => n < 1)) return ValidationResult.Error("--targets: positive counts, e.g. 500,1000");
        }
        catch (FormatException)
        {
            return ValidationResult.Error($"--targets: '{Targets}' is not a comma-separated list of numbers");
        }
        return base.Validate();
    }
}

/// <summary>
/// `gds bench collect`: how many PostgreSQL targets one collector process keeps on schedule within one core. Every
/// target points at the same local server; each step runs N targets for one interval of warm-up, then measures the
/// process's CPU time, the scrapes done against those due, and scrape durations. Kafka is an embedded broker in a
/// child process (or --bootstrap), so its work is not counted as the collector's.
/// </summary>
public sealed class BenchCollectCommand : AsyncCommand<BenchCollectSettings>
{
    private const string Environment = "bench";

    public override async Task<int> ExecuteAsync(CommandContext context, BenchCollectSettings settings, CancellationToken cancellationToken)
    {
        if (settings.ServeBroker is { } file) return ServeBroker(file);

        using var cts = Shutdown.OnSignals(cancellationToken);
        var interval = DurationText.Parse(settings.Interval, "--interval");
        var window = DurationText.Parse(settings.Window, "--window");
        await using var postgres = await BenchPostgres.StartAsync(settings.Connection);
        using var broker = settings.Bootstrap is null && settings.BootstrapFile is null ? BrokerProcess.Start() : null;
        var bootstrap = broker?.BootstrapServers ?? (await Gds.Cli.Hosting.GdsHost.KafkaClientsAsync(settings, cancellationToken)).BootstrapServers;

        Console.WriteLine($"gds bench collect: PostgreSQL {postgres.Description}; Kafka {bootstrap}{(broker is null ? "" : " (embedded broker, child process)")}");
        Console.WriteLine($"interval {DurationText.Format(interval)}, warm-up {DurationText.Format(interval)}, window {DurationText.Format(window)}, concurrency {settings.Concurrency}, {System.Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("targets  due    done   on-time  cpu-cores  cpu-ms/scrape  p50-ms  p99-ms  samples/s  spool-left");
        var results = new List<StepResult>();
        foreach (var n in settings.TargetCounts)
        {
            if (cts.IsCancellationRequested) break;
            var r = await RunStepAsync(n, postgres.ConnectionString, bootstrap, interval, window, settings.Concurrency, cts.Token);
            results.Add(r);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Targets,7}  {r.Due,5}  {r.Done,5}  {r.OnTime,6:P1}  {r.Cores,9:F3}  {r.CpuMsPerScrape,13:F2}  {r.P50Ms,6:F1}  {r.P99Ms,6:F1}  {r.SamplesPerSecond,9:F0}  {r.SpoolLeft,10}"));
        }
        Console.WriteLine();
        var sustained = results.Where(r => r.Cores <= 1.0 && r.OnTime >= 0.99).MaxBy(r => r.Targets);
        // A step that fell behind while the collector had CPU to spare was held back by scrape latency: slots were
        // busy waiting on the database server, so more targets need a faster server or more --concurrency.
        foreach (var r in results.Where(r => r.OnTime < 0.99 && r.Cores < 1.0))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Targets} targets: {r.OnTime:P1} on time with the collector at {r.Cores:F2} cores: limited by scrape latency (p50 {r.P50Ms:F0} ms with {settings.Concurrency} slots), i.e. the database server, not the collector's CPU."));
        if (sustained is null)
        {
            Console.WriteLine("no step stayed within one core with 99% of scrapes on time");
            return ExitCodes.Failed;
        }
        // The largest step has the least start-up (JIT, pool warm-up) in its CPU time per scrape.
        var largest = results.MaxBy(r => r.Targets)!;
        var perCore = largest.CpuMsPerScrape > 0 ? interval.TotalMilliseconds / largest.CpuMsPerScrape : 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sustained: {sustained.Targets} PostgreSQL targets at a {DurationText.Format(interval)} interval using {sustained.Cores:F2} of one core ({sustained.OnTime:P1} of scrapes on time)."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"at {largest.CpuMsPerScrape:F2} CPU-ms per scrape ({largest.Targets} targets), one core would carry about {perCore:F0} targets at this interval."));
        return ExitCodes.Ok;
    }

    private static async Task<StepResult> RunStepAsync(int n, string connection, string bootstrap, TimeSpan interval, TimeSpan window, int concurrency, CancellationToken ct)
    {
        var spool = Path.Combine(Path.GetTempPath(), "gds-bench-spool-" + Guid.NewGuid().ToString("N"));
        var targets = Enumerable.Range(0, n).Select(i => new TargetDefinition
        {
            Id = $"bench-pg-{i:D5}",
            Type = "postgresql",
            Environment = Environment,
            Connection = SecretTemplate.Literal(connection),
            Interval = interval,
            Timeout = TimeSpan.FromTicks(Math.Min(interval.Ticks, TimeSpan.FromSeconds(10).Ticks)),
            Tags = new Dictionary<string, string> { ["bench"] = "collect" },
        }).ToList();
        using var logs = Logging.Create(LogLevel.Warning);
        var options = new CollectorOptions { CollectorId = "gds-bench-collector", MaxConcurrentScrapes = concurrency };
        var durations = new ConcurrentBag<double>();
        long samples = 0, done = 0, failed = 0;
        var measuring = false;
        TimeSpan cpu;
        StepResult result;
        await using (var publisher = new KafkaMetricPublisher(new KafkaClientFactory(bootstrap),
                         Options.Create(new PublisherOptions { SpoolDirectory = spool, ClientId = "gds-bench-collector" }), logs.CreateLogger<KafkaMetricPublisher>()))
        {
            await using var host = new CollectorHost(targets, new CollectorFactory(), publisher, publisher, options, logs);
            host.Scheduler.Scraped += o =>
            {
                if (!Volatile.Read(ref measuring)) return;
                Interlocked.Increment(ref done);
                Interlocked.Add(ref samples, o.Published);
                if (!o.Up) Interlocked.Increment(ref failed);
                durations.Add(o.Duration.TotalMilliseconds);
            };
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var run = host.RunAsync(stop.Token);
            await Task.Delay(interval + TimeSpan.FromSeconds(1), ct);
            var process = Process.GetCurrentProcess();
            process.Refresh();
            var cpuStart = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            Volatile.Write(ref measuring, true);
            await Task.Delay(window, ct);
            Volatile.Write(ref measuring, false);
            process.Refresh();
            cpu = process.TotalProcessorTime - cpuStart;
            var elapsed = wall.Elapsed;
            await stop.CancelAsync();
            await run;
            var sorted = durations.Order().ToArray();
            var due = (long)Math.Round(n * elapsed.TotalSeconds / interval.TotalSeconds);
            result = new StepResult(n, due, done, Math.Min(1, (double)(done - failed) / due), cpu.TotalSeconds / elapsed.TotalSeconds,
                done == 0 ? 0 : cpu.TotalMilliseconds / done, Percentile(sorted, 0.5), Percentile(sorted, 0.99),
                samples / elapsed.TotalSeconds, publisher.Statistics.Pending);
        }
        // Only once the publisher is closed: it writes to the spool until then.
        try { Directory.Delete(spool, recursive: true); } catch (IOException) { }
        return result;
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private sealed record StepResult(int Targets, long Due, long Done, double OnTime, double Cores, double CpuMsPerScrape,
        double P50Ms, double P99Ms, double SamplesPerSecond, long SpoolLeft);

    /// <summary>The child process: an embedded broker with the bench topics, until its parent closes stdin.</summary>
    private static int ServeBroker(string file)
    {
        using var broker = EmbeddedBroker.Start();
        broker.CreateTopic(TopicNames.Metrics("postgresql", Environment), 6);
        broker.CreateTopic(TopicNames.Heartbeats, 1);
        File.WriteAllText(file + ".tmp", broker.BootstrapServers);
        File.Move(file + ".tmp", file, overwrite: true);
        Console.In.ReadToEnd();
        return ExitCodes.Ok;
    }

    /// <summary>Runs `gds bench collect --serve-broker` as a child, so the broker's CPU is not billed to the collector.</summary>
    private sealed class BrokerProcess : IDisposable
    {
        private readonly Process _process;
        private readonly string _file;

        private BrokerProcess(Process process, string file, string bootstrap)
        {
            _process = process;
            _file = file;
            BootstrapServers = bootstrap;
        }

        public string BootstrapServers { get; }

        public static BrokerProcess Start()
        {
            var file = Path.Combine(Path.GetTempPath(), "gds-bench-broker-" + Guid.NewGuid().ToString("N"));
            var host = System.Environment.ProcessPath!;
            var entry = System.Reflection.Assembly.GetEntryAssembly()!.Location;
            var info = new ProcessStartInfo(host) { RedirectStandardInput = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(host) == "dotnet") info.ArgumentList.Add(entry);
            foreach (var a in new[] { "bench", "collect", "--serve-broker", file }) info.ArgumentList.Add(a);
            var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the broker process");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!File.Exists(file))
            {
                if (process.HasExited) throw new InvalidOperationException($"the broker process exited with code {process.ExitCode}");
                if (DateTime.UtcNow > deadline) throw new TimeoutException("the broker process did not start within 60 s");
                Thread.Sleep(100);
            }
            return new BrokerProcess(process, file, File.ReadAllText(file).Trim());
        }

        public void Dispose()
        {
            try
            {
                _process.StandardInput.Close();
                if (!_process.WaitForExit(10_000)) _process.Kill();
            }
            catch (InvalidOperationException) { }
            _process.Dispose();
            File.Delete(_file);
        }
    }

    /// <summary>The PostgreSQL the targets point at: given, from the test environment, or started for the run.</summary>
    private sealed class BenchPostgres : IAsyncDisposable
    {
        private readonly string? _servicesDir;
        private readonly string? _script;

        private BenchPostgres(string connection, string description, string? servicesDir = null, string? script = null)
        {
            ConnectionString = connection;
            Description = description;
            _servicesDir = servicesDir;
            _script = script;
        }

        public string ConnectionString { get; }
        public string Description { get; }

        public static async Task<BenchPostgres> StartAsync(string? given)
        {
            if (given is not null) return new BenchPostgres(given, "from --connection");
            if (System.Environment.GetEnvironmentVariable("GDS_TEST_PG_CONNECTION") is { Length: > 0 } env)
                return new BenchPostgres(MonitorRole(env), "from GDS_TEST_PG_CONNECTION (as gds_monitor)");
            var script = FindServicesScript() ?? throw new UsageException("no PostgreSQL: pass --connection, set GDS_TEST_PG_CONNECTION, or run from the repository (scripts/services.sh)");
            var psi = new ProcessStartInfo(script, "start") { RedirectStandardOutput = true, UseShellExecute = false };
            using var p = Process.Start(psi)!;
            var output = await p.StandardOutput.ReadToEndAsync();
            await p.WaitForExitAsync();
            if (p.ExitCode != 0) throw new InvalidOperationException($"{script} start failed with code {p.ExitCode}");
            string Var(string name) => output.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith($"export {name}=", StringComparison.Ordinal))
                .Split('=', 2)[1].Trim('\'');
            return new BenchPostgres(MonitorRole(Var("GDS_TEST_PG_CONNECTION")), $"started with {script}", Var("GDS_TEST_SERVICES_DIR"), script);
        }

        /// <summary>The pg_monitor role services.sh creates: the bench scrapes with the privileges a real collector has.</summary>
        private static string MonitorRole(string superuser)
        {
            var b = new Npgsql.NpgsqlConnectionStringBuilder(superuser) { Username = "gds_monitor", Password = "gds-monitor-secret", Database = "postgres" };
            return b.ConnectionString;
        }

        private static string? FindServicesScript()
        {
            var dir = new DirectoryInfo(Directory.GetCurrentDirectory());
            while (dir is not null)
            {
                var candidate = Path.Combine(dir.FullName, "scripts", "services.sh");
                if (File.Exists(candidate)) return candidate;
                dir = dir.Parent;
            }
            return null;
        }

        public async ValueTask DisposeAsync()
        {
            if (_servicesDir is null || _script is null) return;
            using var p = Process.Start(new ProcessStartInfo(_script) { ArgumentList = { "stop", _servicesDir }, UseShellExecute = false })!;
            await p.WaitForExitAsync();
        }
    }
}
