using System.Net;
using System.Net.Sockets;

namespace Gds.Cli.Tests;

/// <summary>`gds probe`, the compose healthcheck: its exit code is what Docker reads.</summary>
[Collection(CliCollection.Name)]
public sealed class ProbeCliTests
{
    [Theory]
    [InlineData(200, 0)]
    [InlineData(204, 0)]
    [InlineData(503, 1)]
    [InlineData(404, 1)]
    public async Task Exits_0_on_2xx_and_1_on_any_other_answer(int status, int expected)
    {
        using var server = Answering(status, out var url);
        var (code, stdout, _) = await CliRunner.RunAsync("probe", url + "readyz");
        Assert.Equal(expected, code);
        Assert.Contains($": {status}", stdout);
    }

    [Fact]
    public async Task Exits_1_when_nothing_listens()
    {
        var port = FreePort();
        var (code, _, stderr) = await CliRunner.RunAsync("probe", $"http://127.0.0.1:{port}/readyz", "--timeout", "2s");
        Assert.Equal(1, code);
        Assert.Contains($"127.0.0.1:{port}", stderr);
    }

    [Fact]
    public async Task A_url_that_is_not_http_is_a_usage_error()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("probe", "127.0.0.1:9400/readyz");
        Assert.Equal(2, code);
        Assert.Contains("not an absolute http(s) URL", stderr);
    }

    private static HttpListener Answering(int status, out string url)
    {
        url = $"http://127.0.0.1:{FreePort()}/";
        var listener = new HttpListener();
        listener.Prefixes.Add(url);
        listener.Start();
        _ = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext ctx;
                try { ctx = await listener.GetContextAsync(); }
                catch (Exception) { return; } // stopped
                ctx.Response.StatusCode = status;
                ctx.Response.Close();
            }
        });
        return listener;
    }

    private static int FreePort()
    {
        using var s = new TcpListener(IPAddress.Loopback, 0);
        s.Start();
        return ((IPEndPoint)s.LocalEndpoint).Port;
    }
}
