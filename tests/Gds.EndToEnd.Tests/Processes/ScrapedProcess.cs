using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Gds.EndToEnd.Tests.Processes;

/// <summary>
/// A gds process's --http endpoint as a user's monitoring sees it: its /readyz answers, its /metrics checked by
/// promtool, and (when the test services run Prometheus) a file_sd target so that Prometheus scrapes it.
/// </summary>
internal sealed class ScrapedProcess(string verb, int port) : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private string? _targetFile;

    public string Verb { get; } = verb;
    public int Port { get; } = port;
    public string Address => $"127.0.0.1:{Port}";
    public string[] HttpArgs => ["--http", Address];

    public static ScrapedProcess For(string verb) => new(verb, FreePort());

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>The first answer /readyz gives (polling until the endpoint listens), then each later one on request.</summary>
    public async Task<(HttpStatusCode Status, string Body)> FirstReadinessAsync(TimeSpan timeout, GdsProcess process)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return await ReadinessAsync();
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    public async Task<(HttpStatusCode Status, string Body)> ReadinessAsync()
    {
        using var response = await Http.GetAsync($"http://{Address}/readyz");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task WaitForReadinessAsync(HttpStatusCode status, TimeSpan timeout, GdsProcess process, string? reasonContains = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = (Status: (HttpStatusCode)0, Body: "(no answer)");
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                last = await ReadinessAsync();
                if (last.Status == status && (reasonContains is null || last.Body.Contains(reasonContains, StringComparison.Ordinal))) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{Verb} /readyz did not answer {(int)status}{(reasonContains is null ? "" : $" naming '{reasonContains}'")} within {timeout}; last: {(int)last.Status} {last.Body}\n{process.Tail()}");
    }

    public async Task<string> MetricsAsync() => await Http.GetStringAsync($"http://{Address}/metrics");

    /// <summary>promtool check metrics on the endpoint's output: exit code and what it said.</summary>
    public async Task<(int ExitCode, string Output)> PromtoolCheckAsync()
    {
        var text = await MetricsAsync();
        var psi = new ProcessStartInfo("promtool", ["check", "metrics"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        await p.StandardInput.WriteAsync(text);
        p.StandardInput.Close();
        var output = await p.StandardOutput.ReadToEndAsync() + await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, output);
    }

    /// <summary>Has Prometheus scrape this endpoint, labelled verb and run (so a query sees only this test's series).</summary>
    public void RegisterWith(Prometheus prometheus, string run)
    {
        _targetFile = Path.Combine(prometheus.TargetsDir, $"{run}-{Verb}.json");
        var json = JsonSerializer.Serialize(new[] { new { targets = new[] { Address }, labels = new Dictionary<string, string> { ["verb"] = Verb, ["run"] = run } } });
        File.WriteAllText(_targetFile + ".tmp", json);
        File.Move(_targetFile + ".tmp", _targetFile, overwrite: true); // whole, never half-written, when Prometheus reads it
    }

    public void Dispose()
    {
        if (_targetFile is not null) File.Delete(_targetFile);
    }
}

/// <summary>The Prometheus server of the test services (scripts/services.sh): where targets go and its query API.</summary>
internal sealed class Prometheus(string url, string targetsDir)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public string TargetsDir { get; } = targetsDir;

    public static Prometheus FromEnvironment() =>
        Environment.GetEnvironmentVariable("GDS_TEST_PROMETHEUS_URL") is { Length: > 0 } url
        && Environment.GetEnvironmentVariable("GDS_TEST_PROMETHEUS_TARGETS_DIR") is { Length: > 0 } dir
            ? new Prometheus(url.TrimEnd('/'), dir)
            : throw new InvalidOperationException("GDS_TEST_PROMETHEUS_URL / GDS_TEST_PROMETHEUS_TARGETS_DIR are not set: run the tests with ./test.sh (or eval \"$(scripts/services.sh start)\" first)");

    /// <summary>An instant query: each series' labels and value.</summary>
    public async Task<List<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        var json = await Http.GetStringAsync($"{url}/api/v1/query?query={Uri.EscapeDataString(promql)}");
        using var doc = JsonDocument.Parse(json);
        var list = new List<(Dictionary<string, string>, double)>();
        foreach (var r in doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            var value = double.Parse(r.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            list.Add((labels, value));
        }
        return list;
    }

    /// <summary>Polls the query until <paramref name="holds"/> accepts its result; the failure says what it last returned.</summary>
    public async Task<List<(Dictionary<string, string> Labels, double Value)>> WaitAsync(string promql,
        Func<List<(Dictionary<string, string> Labels, double Value)>, bool> holds, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        List<(Dictionary<string, string> Labels, double Value)> last = [];
        while (DateTime.UtcNow < deadline)
        {
            last = await QueryAsync(promql);
            if (holds(last)) return last;
            await Task.Delay(250);
        }
        throw new TimeoutException($"Prometheus: {what}: `{promql}` still returned [{string.Join(", ", last.Select(r => $"{{{string.Join(",", r.Labels.Select(l => $"{l.Key}={l.Value}"))}}} {r.Value}"))}] after {timeout}");
    }
}
