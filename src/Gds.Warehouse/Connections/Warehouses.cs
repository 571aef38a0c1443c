using Gds.Warehouse.Loading;
using Gds.Warehouse.PostgreSql;
using Gds.Warehouse.Snowflake;
using Microsoft.Extensions.Logging;

namespace Gds.Warehouse.Connections;

/// <summary>Opens the warehouse a --target and --connection name.</summary>
public static class Warehouses
{
    public static IWarehouse Open(WarehouseTarget target, string connection, LoadRetryOptions retry, ILoggerFactory loggers) => target switch
    {
        WarehouseTarget.PostgreSql => new PostgreSqlWarehouse(connection, retry, loggers),
        WarehouseTarget.Snowflake => new SnowflakeWarehouse(SnowflakeConnection.Parse(connection), retry, loggers),
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, null),
    };
}
