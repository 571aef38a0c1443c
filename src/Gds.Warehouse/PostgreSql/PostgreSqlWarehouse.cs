using Gds.Warehouse.Connections;
using Npgsql;

namespace Gds.Warehouse.PostgreSql;

/// <summary>The PostgreSQL warehouse: one data source shared by the migrator, the loader and retention.</summary>
public sealed class PostgreSqlWarehouse : IWarehouse
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgreSqlWarehouse(string connection, LoadRetryOptions retry, ILoggerFactory loggers, int loadSessions = 2)
    {
        var builder = PostgreSqlConnection.Parse(connection);
        Description = PostgreSqlConnection.Describe(builder);
        _dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
        Migrator = new SchemaMigrator(new PostgreSqlMigrationTarget(_dataSource), PostgreSqlSchema.Migrations, loggers.CreateLogger<SchemaMigrator>());
        Loader = new PostgreSqlLoader(_dataSource, loggers.CreateLogger<PostgreSqlLoader>(), retry, loadSessions);
        Retention = new PostgreSqlRetention(_dataSource, loggers.CreateLogger<PostgreSqlRetention>());
    }

    public string Description { get; }
    public SchemaMigrator Migrator { get; }
    public IWarehouseLoader Loader { get; }
    public IRetentionEnforcer Retention { get; }

    public async ValueTask DisposeAsync()
    {
        await Loader.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
