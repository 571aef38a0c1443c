using Gds.Warehouse.Connections;
using Gds.Warehouse.Consuming;
using Gds.Warehouse.Schema;
using Gds.Telemetry;
using Gds.Warehouse.Telemetry;

namespace Gds.Cli.Commands.DwImport;

/// <summary>
/// The importer as a hosted service: on stop, the load in flight finishes and is committed; the batch still being
/// filled is read again by the next run.
/// </summary>
public sealed class DwImportService(
    DwImportService.Job job, IOptions<ImporterOptions> options, IOptions<WarehouseConnectionOptions> connection,
    KafkaClientFactory kafka, ILoggerFactory logs, VerbOutcome outcome, IHostApplicationLifetime lifetime, ProcessTelemetry telemetry)
    : VerbService(outcome, lifetime, logs.CreateLogger("gds.dw-import"))
{
    public sealed record Job(bool Init, bool Drain);

    private readonly ILogger _log = logs.CreateLogger("gds.dw-import");

    protected override async Task<int> RunAsync(CancellationToken stopping)
    {
        try
        {
            await using var warehouse = Warehouses.Open(connection.Value.ParsedTarget, connection.Value.Connection!, options.Value, logs);
            _log.LogInformation("dw-import: Kafka {Bootstrap} -> {Warehouse}", kafka.BootstrapServers, warehouse.Description);
            if (job.Init) await warehouse.Migrator.MigrateAsync(stopping);
            else await warehouse.Migrator.VerifyAsync(stopping);
            using var importer = new WarehouseImporter(kafka, warehouse.Loader, warehouse.Retention, options, logs.CreateLogger<WarehouseImporter>());
            WarehouseTelemetry.Attach(telemetry, importer);
            using (stopping.Register(() => _log.LogInformation("stopping: finishing the load in flight and committing it")))
                await importer.RunAsync(job.Drain, stopping);
            _log.LogInformation("stopped");
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is ConnectionStringException or SchemaException)
        {
            _log.LogError("dw-import: {Error}", ex.Message);
            return ExitCodes.Failed;
        }
    }
}
