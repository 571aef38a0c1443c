using System.Net;
using System.Net.Sockets;

namespace Gds.EndToEnd.Tests.Processes;

/// <summary>
/// A TCP relay in front of a server that a test takes down and brings back on the same port: an outage as its
/// clients live through one (connections refused, open ones cut) while the server behind keeps its state, as a
/// schema registry behind a failed load balancer does. Stopping the server itself would lose what it holds (the
/// embedded registry keeps its schemas in memory), and a new one would hand out other schema ids.
/// </summary>
internal sealed class TcpRelay : IDisposable
{
    private readonly IPEndPoint _target;
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource? _up;

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>A relay to <paramref name="target"/> (http://host:port) on a free loopback port, down until <see cref="Up"/>.</summary>
    public TcpRelay(string target)
    {
        var uri = new Uri(target);
        _target = new IPEndPoint(IPAddress.Parse(uri.Host == "localhost" ? "127.0.0.1" : uri.Host), uri.Port);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public void Up()
    {
        if (_listener is not null) return;
        _up = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptAsync(_listener, _up.Token);
    }

    /// <summary>Refuses new connections and cuts the open ones.</summary>
    public void Down()
    {
        if (_listener is null) return;
        _up!.Cancel();
        _listener.Stop();
        _listener = null;
        lock (_open)
        {
            foreach (var c in _open) c.Dispose();
            _open.Clear();
        }
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken down)
    {
        while (!down.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(down); }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            _ = RelayAsync(client, down);
        }
    }

    private async Task RelayAsync(TcpClient client, CancellationToken down)
    {
        var upstream = new TcpClient();
        lock (_open)
        {
            _open.Add(client);
            _open.Add(upstream);
        }
        try
        {
            await upstream.ConnectAsync(_target, down);
            var (a, b) = (client.GetStream(), upstream.GetStream());
            await Task.WhenAny(a.CopyToAsync(b, down), b.CopyToAsync(a, down));
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException) { }
        finally
        {
            client.Dispose();
            upstream.Dispose();
            lock (_open)
            {
                _open.Remove(client);
                _open.Remove(upstream);
            }
        }
    }

    public void Dispose() => Down();
}
