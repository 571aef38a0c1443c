using Gds.Monitor.Targets;
using Gds.Snowflake;

namespace Gds.Monitor.Collectors.Snowflake;

/// <summary>
/// Scrapes a Snowflake account over the SQL API v2 with key-pair JWT auth. The statements run side by side (each
/// may be queued on a warehouse for seconds); the HTTP client and its key are rebuilt only when the resolved
/// connection changes.
/// </summary>
public sealed class SnowflakeCollector(TargetDefinition target, SnowflakeOptions options) : ICollector
{
    private Session? _session;

    public async Task<IReadOnlyList<Sample>> CollectAsync(CancellationToken cancellationToken)
    {
        ResolvedSecret? secret = null;
        try
        {
            var (settings, secrets) = SnowflakeConnectionSettings.Resolve(target.Connection);
            secret = secrets;
            var session = SessionFor(settings);
            var results = await Task.WhenAll(SnowflakeQueries.All.Select(q => session.Client.ExecuteAsync(q.Text, ct: cancellationToken))).ConfigureAwait(false);
            var samples = new SampleSet();
            for (var i = 0; i < results.Length; i++)
            {
                var query = SnowflakeQueries.All[i];
                try
                {
                    query.Map(results[i].ResultRows(), samples);
                }
                catch (Exception ex) when (ex is KeyNotFoundException or FormatException)
                {
                    throw new InvalidOperationException($"query '{query.Name}': {ex.Message}", ex);
                }
            }
            return samples;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw CollectorFailure.From(ex, secret);
        }
    }

    private Session SessionFor(SnowflakeConnectionSettings settings)
    {
        var identity = (settings.Account, settings.User, settings.PrivateKeyPem, settings.PrivateKeyPassphrase, settings.Host, settings.Warehouse, settings.Role);
        if (_session is not null && _session.Identity.Equals(identity)) return _session;
        _session?.Dispose();
        var jwt = new KeyPairJwt(settings.Account, settings.User, KeyPairJwt.LoadPrivateKey(settings.PrivateKeyPem, settings.PrivateKeyPassphrase));
        _session = new Session(identity, SnowflakeStatementClient.Create(options.ClientOptions(settings), jwt), jwt);
        return _session;
    }

    public ValueTask DisposeAsync()
    {
        _session?.Dispose();
        _session = null;
        return ValueTask.CompletedTask;
    }

    private sealed record Session(object Identity, SnowflakeStatementClient Client, KeyPairJwt Jwt) : IDisposable
    {
        public void Dispose()
        {
            Client.Dispose();
            Jwt.Dispose();
        }
    }
}
