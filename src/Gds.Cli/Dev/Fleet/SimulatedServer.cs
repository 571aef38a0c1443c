using Gds.Monitor.Collectors;
using Gds.Monitor.Scheduling;
using Gds.Monitor.Targets;
using Gds.Contracts.Secrets;

namespace Gds.Cli.Dev.Fleet;

/// <summary>
/// A make-believe database server. Each tick it is calmed (incidents then apply their trouble), moves on in time (its
/// counters integrate their rates, its gauges drift), and is scraped: it answers the collector's own queries or
/// commands with replies shaped like the real server's, the collector's mapping code turns them into samples, and
/// <see cref="ScrapeRecords"/> into Metric records, exactly as <see cref="TargetScraper"/> would.
/// </summary>
internal abstract class SimulatedServer
{
    private readonly ScrapeRecords _records;

    protected SimulatedServer(TargetDefinition target, int seed)
    {
        Target = target;
        Random = new Random(Wobble.Seed(seed, target.Id));
        _records = new ScrapeRecords(target);
    }

    public TargetDefinition Target { get; }

    public string Id => Target.Id;

    /// <summary>Each server draws from its own sequence, so adding a server does not change the others' values.</summary>
    protected Random Random { get; }

    /// <summary>Clears the trouble incidents set on the previous tick.</summary>
    public abstract void Calm();

    /// <summary>
    /// Moves the server's state to <paramref name="now"/>. Every server of the fleet moves before any is scraped, so
    /// what a primary reports of its standby and what the standby reports of itself are of the same moment.
    /// </summary>
    public abstract void Advance(FleetMoment now);

    /// <summary>The server's replies to one scrape, through the collector's mapping.</summary>
    protected abstract SampleSet Answer(FleetMoment now);

    /// <summary>How long the scrape takes against this kind of server.</summary>
    protected abstract TimeSpan ScrapeTime();

    public List<Metric> Scrape(FleetMoment now)
    {
        var samples = Answer(now);
        var duration = ScrapeTime();
        var metadata = new MetricMetadata { CollectionDurationMs = Math.Round(duration.TotalMilliseconds, 3), Version = "1.0", CorrelationId = Random.NextGuid() };
        // The fleet has no spool and builds its records before sending them: nothing of it is ever dropped or refused
        // there (a failed send shows in gds dev's progress instead).
        return _records.ToMetrics(samples, new ScrapeFacts(now.At, duration, Up: true, metadata, SpoolDropped: 0, PublishFailed: 0));
    }

    protected static TargetDefinition Define(string id, string type, string environment, string connection, params (string Name, string Value)[] tags) => new()
    {
        Id = id,
        Type = type,
        Environment = environment,
        Connection = SecretTemplate.Literal(connection),
        Interval = TimeSpan.FromSeconds(1),
        Tags = tags.ToDictionary(t => t.Name, t => t.Value, StringComparer.Ordinal),
    };
}
