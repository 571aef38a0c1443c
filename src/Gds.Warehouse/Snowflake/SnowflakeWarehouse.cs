using Gds.Snowflake;
using Gds.Warehouse.Connections;

namespace Gds.Warehouse.Snowflake;

/// <summary>The Snowflake warehouse: one SQL API client shared by the migrator, the loader and retention.</summary>
public sealed class SnowflakeWarehouse : IWarehouse
{
    private readonly SnowflakeStatementClient _sql;

    public SnowflakeWarehouse(SnowflakeConnection connection, LoadRetryOptions retry, ILoggerFactory loggers, TimeProvider? time = null)
    {
        Description = connection.Description;
        var sql = _sql = SnowflakeStatementClient.Create(connection.ClientOptions, new KeyPairJwt(connection.Account, connection.User, connection.PrivateKey, time), time);
        Migrator = new SchemaMigrator(new SnowflakeMigrationTarget(sql), SnowflakeSchema.Migrations, loggers.CreateLogger<SchemaMigrator>());
        Loader = new SnowflakeLoader(sql, connection.RowsPerInsert, loggers.CreateLogger<SnowflakeLoader>(), retry);
        Retention = new SnowflakeRetention(sql, loggers.CreateLogger<SnowflakeRetention>());
    }

    public string Description { get; }
    public SchemaMigrator Migrator { get; }
    public IWarehouseLoader Loader { get; }
    public IRetentionEnforcer Retention { get; }

    public async ValueTask DisposeAsync()
    {
        await Loader.DisposeAsync();
        _sql.Dispose();
    }
}
