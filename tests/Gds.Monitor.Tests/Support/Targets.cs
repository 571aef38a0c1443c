using Gds.Monitor.Targets;
using Gds.Contracts.Secrets;

namespace Gds.Monitor.Tests.Support;

public static class TestTargets
{
    public static TargetDefinition Make(string id, string type = "postgresql", string connection = "Host=localhost",
        TimeSpan? interval = null, TimeSpan? timeout = null, string environment = "test") => new()
    {
        Id = id,
        Type = type,
        Environment = environment,
        Connection = SecretTemplate.Parse(connection),
        Interval = interval ?? TimeSpan.FromSeconds(30),
        Timeout = timeout ?? TimeSpan.FromSeconds(10),
        Tags = new Dictionary<string, string> { ["region"] = "local" },
    };
}
