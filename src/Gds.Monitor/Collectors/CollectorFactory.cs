using Gds.Monitor.Collectors.MongoDb;
using Gds.Monitor.Collectors.PostgreSql;
using Gds.Monitor.Collectors.Snowflake;
using Gds.Monitor.Collectors.SqlServer;
using Gds.Monitor.Targets;

namespace Gds.Monitor.Collectors;

/// <summary>The collector for each database type of the targets file.</summary>
public sealed class CollectorFactory(IOptions<SnowflakeOptions>? snowflake = null) : ICollectorFactory
{
    public ICollector Create(TargetDefinition target) => target.Type switch
    {
        DatabaseTypes.PostgreSql => new PostgreSqlCollector(target),
        DatabaseTypes.MongoDb => new MongoDbCollector(target),
        DatabaseTypes.SqlServer => new SqlServerCollector(target),
        DatabaseTypes.Snowflake => new SnowflakeCollector(target, snowflake?.Value ?? new SnowflakeOptions()),
        _ => throw new ArgumentException($"target '{target.Id}': no collector for type '{target.Type}'", nameof(target)),
    };
}
