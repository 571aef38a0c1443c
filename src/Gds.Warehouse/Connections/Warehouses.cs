using Gds.Warehouse.Consuming;
using Gds.Warehouse.PostgreSql;
using Gds.Warehouse.Snowflake;

namespace Gds.Warehouse.Connections;

/// <summary>Opens the warehouse a --target and --connection name.</summary>
public static class Warehouses
{
    public static IWarehouse Open(WarehouseTarget target, string connection, ImporterOptions options, ILoggerFactory loggers) => target switch
    {
        WarehouseTarget.PostgreSql => new PostgreSqlWarehouse(connection, options.LoadRetry, loggers, options.LoadSessions),
        WarehouseTarget.Snowflake => new SnowflakeWarehouse(SnowflakeConnection.Parse(connection), options.LoadRetry, loggers),
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, null),
    };
}
