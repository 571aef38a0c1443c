namespace Gds.Warehouse.Connections;

/// <summary>One warehouse the importer writes to: its schema, its loader and its retention, over one connection setup.</summary>
public interface IWarehouse : IAsyncDisposable
{
    /// <summary>Where it is, without secrets: for log lines.</summary>
    string Description { get; }

    SchemaMigrator Migrator { get; }

    IWarehouseLoader Loader { get; }

    IRetentionEnforcer Retention { get; }
}
