using System.Net;
using System.Net.Sockets;

namespace Gds.Notify.Tests.Delivery;

public class BulkheadTests
{
    [Fact]
    public async Task A_slow_route_does_not_hold_up_another_route()
    {
        await using var h = await SinkHarness.StartAsync(answerOk: false);
        // The service is slow for one routing key only (say, a team whose chat integration lags).
        var slowStarted = 0;
        var slowDone = 0;
        h.Service.Given(Request.Create().WithPath("/ingest").UsingPost())
            .RespondWith(Response.Create().WithCallback(async request =>
            {
                if (request.Body!.Contains("\"routing_key\":\"slow\""))
                {
                    Interlocked.Increment(ref slowStarted);
                    await Task.Delay(TimeSpan.FromSeconds(4));
                    Interlocked.Increment(ref slowDone);
                }
                return new WireMock.ResponseMessage { StatusCode = 200 };
            }));
        var sink = h.StartSink(h.Options(o =>
        {
            o.Bulkhead.MaxConcurrencyPerRoute = 1;
            o.Retry.AttemptTimeout = TimeSpan.FromSeconds(10);
        }));
        var slow = Enumerable.Range(1, 4).Select(i => Alerts.Firing($"evt-slow-{i}", instance: $"slow-db-{i}", route: "slow")).ToArray();
        var fast = Enumerable.Range(1, 10).Select(i => Alerts.Firing($"evt-fast-{i}", instance: $"fast-db-{i}", route: "fast")).ToArray();
        await h.ProduceAsync(slow);
        await h.ProduceAsync(fast);

        await h.WaitFor(() => Volatile.Read(ref slowStarted) > 0, "a slow delivery under way");
        await h.WaitFor(() => h.DeliveredIds().Count(id => id.StartsWith("evt-fast")) == 10 && sink.Stats.Delivered >= 10, "every fast event delivered");
        // Sharing one lane, the fast events would have waited 16 s behind the slow ones; here they are all
        // through while the first slow one is still waiting for its answer.
        Assert.Equal(0, Volatile.Read(ref slowDone));
        Assert.Equal(1, Volatile.Read(ref slowStarted));
    }

    [Fact]
    public async Task A_full_route_parks_its_partition_and_loses_nothing()
    {
        await using var h = await SinkHarness.StartAsync(partitions: 1, answerOk: false);
        h.Service.Given(Request.Create().WithPath("/ingest").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromMilliseconds(100)));
        var sink = h.StartSink(h.Options(o =>
        {
            o.Bulkhead.MaxConcurrencyPerRoute = 1;
            o.Bulkhead.MaxQueuedPerRoute = 2;
        }));
        var events = Enumerable.Range(1, 12).Select(i => Alerts.Firing($"evt-park-{i}", instance: $"db-{i}", route: i % 3 == 0 ? "other" : "busy")).ToArray();
        await h.ProduceAsync(events);

        await h.WaitFor(() => h.DeliveredIds().Count == 12, "all delivered");
        Assert.Equal(events.Select(e => e.EventId).Order(), h.DeliveredIds().Order());
        Assert.Contains(h.Logs.Lines, l => l.Contains("route busy is full"));
        await h.WaitFor(h.AllCommitted, "all committed");
    }

    [Fact]
    public async Task A_hanging_smtp_server_does_not_hold_up_http_delivery()
    {
        using var tarpit = new Tarpit();
        await using var h = await SinkHarness.StartAsync(answerOk: false);
        h.AnswerAlways(503);
        var sink = h.StartSink(h.Options(o =>
        {
            o.Breaker.MinimumThroughput = 2;
            o.Email.SmtpHost = "127.0.0.1";
            o.Email.SmtpPort = tarpit.Port;
            o.Email.Security = "None";
            o.Email.DefaultRecipients = "oncall@example.org";
        }));
        var events = Enumerable.Range(1, 5).Select(i => Alerts.Firing($"evt-tarpit-{i}", instance: $"db-{i}", severity: "CRITICAL")).ToArray();
        await h.ProduceAsync(events);
        await h.WaitFor(() => sink.Stats.BreakerOpen && tarpit.Connections > 0, "breaker open and a mail stuck at the SMTP server");

        h.Service.ResetMappings();
        h.AnswerAlways(200);
        await h.WaitFor(() => h.DeliveredIds().Count == 5, "all delivered while the mail hangs");
        Assert.Equal(0, sink.Stats.Emailed);
        Assert.Equal(0, sink.Stats.EmailFailed);
        await h.WaitFor(h.AllCommitted, "committed");
    }

    /// <summary>Accepts TCP connections and never says a word: an SMTP server at its worst.</summary>
    private sealed class Tarpit : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> _held = [];
        private int _connections;

        public Tarpit()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
        public int Connections => Volatile.Read(ref _connections);

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var c = await _listener.AcceptTcpClientAsync();
                    lock (_held) _held.Add(c);
                    Interlocked.Increment(ref _connections);
                }
            }
            catch (ObjectDisposedException) { }
            catch (SocketException) { }
        }

        public void Dispose()
        {
            _listener.Stop();
            lock (_held) foreach (var c in _held) c.Dispose();
        }
    }
}
