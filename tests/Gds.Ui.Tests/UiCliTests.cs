using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Gds.Cli;

namespace Gds.Ui.Tests;

/// <summary>`gds ui` as a person runs it: its options, its refusal to serve off loopback without a token, and a run.</summary>
[Collection(UiCollection.Name)]
public sealed class UiCliTests
{
    private static async Task<(int Code, string Out, string Err)> Gds(CancellationToken ct, params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(TextWriter.Synchronized(o));
        Console.SetError(TextWriter.Synchronized(e));
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(o) });
        try { return (await GdsApp.RunAsync(args, ct, console), o.ToString(), e.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }

    [Theory]
    [InlineData("is not a loopback address: the ui then needs a token (--token-file FILE or $GDS_UI_TOKEN)", "--listen", "0.0.0.0:8088")]
    [InlineData("--listen: 'nowhere' is not HOST:PORT", "--listen", "nowhere")]
    [InlineData("--health: 'ftp://x' is not an http(s) URL", "--health", "ftp://x")]
    [InlineData("--token-file: /nonexistent/token does not exist", "--token-file", "/nonexistent/token")]
    public async Task Bad_options_exit_2_naming_what_is_wrong(string message, params string[] args)
    {
        Assert.Null(Environment.GetEnvironmentVariable("GDS_UI_TOKEN"));
        var (code, _, err) = await Gds(CancellationToken.None, ["ui", "--bootstrap", "127.0.0.1:1", .. args]);
        Assert.Equal(2, code);
        Assert.Contains(message, err);
    }

    [Fact]
    public async Task Gds_ui_serves_the_page_of_the_topics_until_stopped()
    {
        await using var bed = await UiTestBed.StartAsync();
        await bed.PublishEventAsync(Events.Firing("conn-high", "pg-a", "pg_connections_used_ratio", "CRITICAL", DateTimeOffset.UtcNow.AddMinutes(-1), 0.95));
        var port = FreePort();
        using var stop = new CancellationTokenSource();
        var run = Gds(stop.Token, "ui", "--bootstrap", bed.Broker.BootstrapServers, "--listen", $"127.0.0.1:{port}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonNode? page = null;
        while (DateTime.UtcNow < deadline && !run.IsCompleted)
        {
            try
            {
                page = JsonNode.Parse(await http.GetStringAsync("/api/alerts"));
                if (page is not null && UiTestBed.Alerts(page).Any()) break;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        await stop.CancelAsync();
        var (code, output, err) = await run;
        Assert.True(page is not null && UiTestBed.Alerts(page).Any(), $"the page never showed the alert; stdout: {output}; stderr: {err}");
        Assert.Equal(0, code);
        Assert.Contains($"gds ui: http://127.0.0.1:{port}/", output);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
