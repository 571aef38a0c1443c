using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Gds.Monitor.Tests.Collectors;

/// <summary>
/// A second opinion: Debian's prometheus-postgres-exporter (installed by scripts/services.sh) reads the same test
/// server, and the figures both publish must agree.
/// </summary>
public sealed class PostgresExporterComparisonTests(ITestOutputHelper output)
{
    private const string Exporter = "/usr/bin/prometheus-postgres-exporter";
    private const string PasswordVariable = "GDS_TEST_MONITOR_PASSWORD";

    static PostgresExporterComparisonTests() => Environment.SetEnvironmentVariable(PasswordVariable, TestPostgres.MonitorPassword);

    [PostgresFact]
    public async Task Connections_database_size_and_commits_agree_with_postgres_exporter()
    {
        Assert.True(File.Exists(Exporter), $"{Exporter} is missing: scripts/services.sh start installs prometheus-postgres-exporter");
        var pg = new NpgsqlConnectionStringBuilder(TestPostgres.Superuser);
        var port = FreePort();
        using var exporter = Process.Start(new ProcessStartInfo(Exporter, $"--web.listen-address=127.0.0.1:{port}")
        {
            Environment = { ["DATA_SOURCE_NAME"] = $"postgresql://{pg.Username}:{pg.Password}@127.0.0.1:{pg.Port}/postgres?sslmode=disable" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        exporter.OutputDataReceived += (_, _) => { };
        exporter.ErrorDataReceived += (_, _) => { };
        exporter.BeginOutputReadLine();
        exporter.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var text = await ScrapeAsync(http, port);
            await using var collector = new PostgreSqlCollector(TestTargets.Make("pg-compare", connection: TestPostgres.MonitorTemplate(PasswordVariable)));
            var ours = await collector.CollectAsync(CancellationToken.None);
            double Ours(string name, string? database = null) =>
                Assert.Single(ours, s => s.Name == name && (database is null ? s.Labels is null : s.Labels?["database"] == database)).Value;

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ours / postgres_exporter: max_connections {Ours("pg_connections_max")} / {Theirs(text, "pg_settings_max_connections")}, size(postgres) {Ours("pg_database_size_bytes", "postgres")} / {Theirs(text, "pg_database_size_bytes", "postgres")}, numbackends {Ours("pg_database_backends", "postgres")} / {Theirs(text, "pg_stat_database_numbackends", "postgres")}, xact_commit {Ours("pg_database_xact_commit_total", "postgres")} / {Theirs(text, "pg_stat_database_xact_commit", "postgres")}, blk_read_time_s {Ours("pg_database_blk_read_seconds_total", "postgres")} / {Theirs(text, "pg_stat_database_blk_read_time", "postgres") / 1000}"));
            Assert.Equal(1, Theirs(text, "pg_up"));
            Assert.Equal(Theirs(text, "pg_settings_max_connections"), Ours("pg_connections_max"));
            // Sizes move by a page or two between the two reads; a different source would be megabytes off.
            Assert.InRange(Ours("pg_database_size_bytes", "postgres") - Theirs(text, "pg_database_size_bytes", "postgres"), -1 << 20, 1 << 20);
            Assert.InRange(Ours("pg_database_backends", "postgres") - Theirs(text, "pg_stat_database_numbackends", "postgres"), -5, 5);
            // Read after theirs: the same counter or a little more (other tests commit meanwhile), never fewer.
            Assert.InRange(Ours("pg_database_xact_commit_total", "postgres") - Theirs(text, "pg_stat_database_xact_commit", "postgres"), 0, 5000);
            Assert.InRange(Ours("pg_database_blk_read_seconds_total", "postgres") - Theirs(text, "pg_stat_database_blk_read_time", "postgres") / 1000, -1, 1);
        }
        finally
        {
            exporter.Kill();
            await exporter.WaitForExitAsync();
        }
    }

    /// <summary>The exporter connects lazily; wait (with a deadline) until it has answered with pg_up.</summary>
    private static async Task<string> ScrapeAsync(HttpClient http, int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                var text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
                if (Regex.IsMatch(text, @"^pg_stat_database_xact_commit\{", RegexOptions.Multiline)) return text;
            }
            catch (HttpRequestException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("prometheus-postgres-exporter did not serve pg_stat_database within 20 s");
            await Task.Delay(100);
        }
    }

    private static double Theirs(string text, string metric, string? datname = null)
    {
        var labels = datname is null ? @"(\{[^}]*\})?" : $@"\{{[^}}]*datname=""{Regex.Escape(datname)}""[^}}]*\}}";
        var m = Regex.Match(text, $@"^{metric}{labels} (\S+)$", RegexOptions.Multiline);
        Assert.True(m.Success, $"postgres_exporter published no {metric}{(datname is null ? "" : $" for {datname}")}");
        return double.Parse(m.Groups[m.Groups.Count - 1].Value, CultureInfo.InvariantCulture);
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
