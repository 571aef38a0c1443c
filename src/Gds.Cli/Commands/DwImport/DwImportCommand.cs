using System.ComponentModel;
using Gds.Cli.Http;
using Gds.Cli.Infrastructure;
using Gds.Kafka.Clients;
using Gds.Warehouse.Connections;
using Gds.Warehouse.Consuming;
using Gds.Warehouse.Schema;
using Gds.Warehouse.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gds.Cli.Commands.DwImport;

/// <summary>`gds dw-import`: metric topics into the data warehouse, batched, idempotent, offsets committed after each load.</summary>
public sealed class DwImportCommand : AsyncCommand<DwImportCommand.Settings>
{
    public sealed class Settings : ServiceSettings
    {
        [CommandOption("--target <TARGET>")]
        [Description("Warehouse kind: postgresql or snowflake. Else Warehouse:Target in the config.")]
        public string? Target { get; init; }

        [CommandOption("--connection <CONNECTION>")]
        [Description("Warehouse connection string; ${NAME} is replaced by environment variable NAME (keep secrets there). Else Warehouse:Connection.")]
        public string? Connection { get; init; }

        [CommandOption("--init")]
        [Description("Create or migrate the warehouse schema first (versioned; a no-op when current), then import.")]
        public bool Init { get; init; }

        [CommandOption("--drain")]
        [Description("Import until every assigned partition is read to its end and loaded, then exit 0.")]
        public bool Drain { get; init; }

        [CommandOption("--group <GROUP>")]
        [Description("Consumer group (default gds-dw-importer).")]
        public string? Group { get; init; }

        [CommandOption("--batch-rows <ROWS>")]
        [Description("Rows per load (default 50000).")]
        public int? BatchRows { get; init; }

        [CommandOption("--batch-delay-ms <MS>")]
        [Description("Longest a sample waits for its batch to fill before it is loaded anyway (default 2000).")]
        public int? BatchDelayMs { get; init; }

        [CommandOption("--retention-days <DAYS>")]
        [Description("Drop day partitions older than this many days (hourly), and skip samples older than that.")]
        public int? RetentionDays { get; init; }

        public override ValidationResult Validate()
        {
            var basic = base.Validate();
            if (!basic.Successful) return basic;
            if (BatchRows is < 1) return ValidationResult.Error($"--batch-rows must be at least 1 (got {BatchRows})");
            if (BatchDelayMs is < 1) return ValidationResult.Error($"--batch-delay-ms must be at least 1 (got {BatchDelayMs})");
            if (RetentionDays is < 1) return ValidationResult.Error($"--retention-days must be at least 1 (got {RetentionDays})");
            return ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var config = GdsConfiguration.Load(settings.ConfigFile);
        var options = new ImporterOptions();
        config.GetSection(ImporterOptions.SectionName).Bind(options);
        if (settings.Group is not null) options.GroupId = settings.Group;
        if (settings.BatchRows is { } rows) options.Batch.MaxRows = rows;
        if (settings.BatchDelayMs is { } ms) options.Batch.MaxDelay = TimeSpan.FromMilliseconds(ms);
        if (settings.RetentionDays is { } days) options.Retention.Days = days;
        var invalid = new ImporterOptionsValidator().Validate(null, options);
        if (invalid.Failed) throw new UsageException(string.Join("; ", invalid.Failures));

        WarehouseTarget target;
        string connection;
        try
        {
            target = WarehouseTargets.Parse(settings.Target ?? config["Warehouse:Target"]);
            connection = settings.Connection ?? config["Warehouse:Connection"]
                         ?? throw new ConnectionStringException("no warehouse connection: pass --connection (or set Warehouse:Connection / GDS_Warehouse__Connection)");
        }
        catch (ConnectionStringException ex)
        {
            throw new UsageException(ex.Message);
        }
        var bootstrap = settings.ResolveBootstrap();

        using var loggers = Logging.Create();
        var log = loggers.CreateLogger("gds.dw-import");
        using var stop = Shutdown.OnSignals(cancellationToken);
        try
        {
            await using var warehouse = Warehouses.Open(target, connection, options, loggers);
            log.LogInformation("dw-import: Kafka {Bootstrap} -> {Warehouse}", bootstrap, warehouse.Description);
            if (settings.Init) await warehouse.Migrator.MigrateAsync(stop.Token);
            else await warehouse.Migrator.VerifyAsync(stop.Token);
            var clients = new KafkaClientFactory(bootstrap);
            using var importer = new WarehouseImporter(clients, warehouse.Loader, warehouse.Retention,
                Options.Create(options), loggers.CreateLogger<WarehouseImporter>());
            await using var telemetry = await VerbTelemetry.StartAsync("dw-import", settings.ResolveHttp(config), config, clients, loggers,
                t => WarehouseTelemetry.Attach(t, importer), ct: stop.Token);
            await importer.RunAsync(settings.Drain, stop.Token);
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is ConnectionStringException or SchemaException)
        {
            log.LogError("dw-import: {Error}", ex.Message);
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
    }
}
