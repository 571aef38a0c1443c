using Gds.Monitor.Collectors;

namespace Gds.Cli.Dev.Fleet.SqlServer;

/// <summary>
/// An Always On availability group over simulated instances: the first to join is the primary replica. The primary's
/// DMVs list every replica; a secondary's list only itself, with the same send and redo queues the primary reports for it.
/// </summary>
internal sealed class SimulatedAvailabilityGroup(string name)
{
    private readonly List<SimulatedSqlServer> _replicas = [];
    private readonly Dictionary<SimulatedSqlServer, (double SendKb, double RedoKb)> _queues = [];

    public string Name { get; } = name;

    public SimulatedSqlServer? Primary => _replicas.FirstOrDefault();

    public void Join(SimulatedSqlServer replica) => _replicas.Add(replica);

    /// <summary>A synchronous-commit secondary keeps up: a few kilobytes to send, a little to redo.</summary>
    public void Advance(SimulatedSqlServer replica, Random random)
    {
        if (replica == Primary) return;
        _queues[replica] = (Math.Max(0, Math.Round(random.Around(12, 12))), Math.Max(0, Math.Round(random.Around(180, 150))));
    }

    public IReadOnlyList<ResultRow> Rows(SimulatedSqlServer local)
    {
        var rows = new RowSet("availability_group", "replica_server_name", "role_desc", "is_local", "synchronization_health", "connected_state",
            "log_send_queue_kb", "redo_queue_kb");
        foreach (var r in _replicas.Where(r => local == Primary || r == local))
        {
            var (send, redo) = _queues.GetValueOrDefault(r);
            rows.Add(Name, r.ServerName, r == Primary ? "PRIMARY" : "SECONDARY", r == local, (byte)2, (byte)1, (long)send, (long)redo);
        }
        return rows.Rows;
    }
}
