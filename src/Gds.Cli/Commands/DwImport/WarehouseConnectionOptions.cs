using Gds.Warehouse.Connections;

namespace Gds.Cli.Commands.DwImport;

/// <summary>Which warehouse `gds dw-import` loads into: Warehouse:Target and Warehouse:Connection (its secrets as ${NAME}).</summary>
public sealed class WarehouseConnectionOptions
{
    public string? Target { get; init; }
    public string? Connection { get; init; }

    public WarehouseTarget ParsedTarget => WarehouseTargets.Parse(Target);
}

public sealed class WarehouseConnectionOptionsValidator : IValidateOptions<WarehouseConnectionOptions>
{
    public ValidateOptionsResult Validate(string? name, WarehouseConnectionOptions o)
    {
        var errors = new List<string>();
        try
        {
            _ = o.ParsedTarget;
        }
        catch (ConnectionStringException ex)
        {
            errors.Add(ex.Message);
        }
        if (string.IsNullOrWhiteSpace(o.Connection))
            errors.Add("no warehouse connection: pass --connection (or set Warehouse:Connection / GDS_Warehouse__Connection)");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
