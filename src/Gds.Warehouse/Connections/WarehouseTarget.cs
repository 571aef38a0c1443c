namespace Gds.Warehouse.Connections;

public enum WarehouseTarget
{
    PostgreSql,
    Snowflake,
}

public static class WarehouseTargets
{
    public static WarehouseTarget Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "postgresql" or "postgres" or "pg" => WarehouseTarget.PostgreSql,
        "snowflake" => WarehouseTarget.Snowflake,
        null or "" => throw new ConnectionStringException("no warehouse target: pass --target postgresql or --target snowflake"),
        _ => throw new ConnectionStringException($"unknown warehouse target '{text}': expected postgresql or snowflake"),
    };
}
