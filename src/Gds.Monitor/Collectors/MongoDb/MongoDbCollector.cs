using Gds.Monitor.Targets;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Gds.Monitor.Collectors.MongoDb;

/// <summary>
/// Scrapes one mongod: serverStatus, replSetGetStatus and the oplog window. The client is kept between scrapes (it
/// owns connection pools and server monitors) and rebuilt only when the resolved connection string changes, e.g.
/// after a secret rotation. A URL with one host is used as a direct connection, so the numbers are that node's and
/// not the primary's the driver would otherwise route to.
/// </summary>
public sealed class MongoDbCollector(TargetDefinition target) : ICollector
{
    private MongoClient? _client;
    private string? _clientFor;

    public async Task<IReadOnlyList<Sample>> CollectAsync(CancellationToken cancellationToken)
    {
        ResolvedSecret? secret = null;
        try
        {
            secret = target.Connection.Resolve();
            var client = Client(secret.Value);
            var admin = client.GetDatabase("admin");
            var samples = new SampleSet();

            var status = await admin.RunCommandAsync<BsonDocument>(MongoDbCommands.ServerStatus(), cancellationToken: cancellationToken).ConfigureAwait(false);
            MongoDbMapping.ServerStatus(status, samples);

            BsonDocument? replSet = null;
            try
            {
                replSet = await admin.RunCommandAsync<BsonDocument>(MongoDbCommands.ReplSetGetStatus(), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (MongoCommandException ex) when (ex.Code is MongoDbCommands.NoReplicationEnabled or MongoDbCommands.NotYetInitialized)
            {
                MongoDbMapping.NotAReplicaSet(samples);
            }
            if (replSet is not null)
            {
                MongoDbMapping.ReplSetStatus(replSet, samples);
                var local = client.GetDatabase("local");
                var oldest = await local.RunCommandAsync<BsonDocument>(MongoDbCommands.OplogEdge(newest: false), cancellationToken: cancellationToken).ConfigureAwait(false);
                var newest = await local.RunCommandAsync<BsonDocument>(MongoDbCommands.OplogEdge(newest: true), cancellationToken: cancellationToken).ConfigureAwait(false);
                MongoDbMapping.OplogWindow(oldest, newest, samples);
            }
            return samples;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw CollectorFailure.From(ex, secret);
        }
    }

    private MongoClient Client(string connectionString)
    {
        if (_client is not null && _clientFor == connectionString) return _client;
        _client?.Dispose();
        var url = new MongoUrl(connectionString);
        var settings = MongoClientSettings.FromUrl(url);
        settings.ApplicationName ??= "gds-collector";
        settings.ServerSelectionTimeout = target.Timeout;
        settings.ConnectTimeout = target.Timeout;
        if (url.Servers.Count() == 1 && url.ReplicaSetName is null && !url.IsDirectConnectionSpecified() && url.Scheme == MongoDB.Driver.Core.Configuration.ConnectionStringScheme.MongoDB)
            settings.DirectConnection = true;
        _client = new MongoClient(settings);
        _clientFor = connectionString;
        return _client;
    }

    public ValueTask DisposeAsync()
    {
        _client?.Dispose();
        _client = null;
        return ValueTask.CompletedTask;
    }
}

internal static class MongoUrlExtensions
{
    // MongoUrl has no "was directConnection given" flag; the raw URL tells.
    public static bool IsDirectConnectionSpecified(this MongoUrl url) =>
        url.Url.Contains("directConnection=", StringComparison.OrdinalIgnoreCase) || url.Url.Contains("connect=", StringComparison.OrdinalIgnoreCase);
}
