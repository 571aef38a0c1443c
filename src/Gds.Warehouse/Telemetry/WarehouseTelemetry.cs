using Gds.Contracts.Metrics.Catalog;
using Gds.Telemetry;
using Gds.Telemetry.Readings;
using Gds.Warehouse.Consuming;

namespace Gds.Warehouse.Telemetry;

/// <summary>
/// What `gds dw-import` tells about itself: rows loaded (from <see cref="ImportMetrics"/>) and its consumer's lag,
/// read at scrape time; ready while it consumes with partitions assigned.
/// </summary>
public static class WarehouseTelemetry
{
    public static readonly TelemetryMetric RowsLoaded = TelemetryMetric.Of(PipelineMetrics.WarehouseRowsLoaded);

    public static void Attach(ProcessTelemetry telemetry, WarehouseImporter importer)
    {
        telemetry.Add(new ReadingSource([RowsLoaded], into => into.Add(new Reading(RowsLoaded, importer.Metrics.Totals.Rows))));
        telemetry.Add(importer.ConsumerLag.AsSource());
        telemetry.AddReadiness("consumer", () => !importer.ConsumerLag.Consuming ? "not consuming the metric topics yet"
            : importer.ConsumerLag.AssignedPartitions == 0 ? "no metric partition assigned (yet)" : null);
    }
}
