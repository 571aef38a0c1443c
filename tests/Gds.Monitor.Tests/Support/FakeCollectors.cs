using Gds.Monitor.Targets;

namespace Gds.Monitor.Tests.Support;

/// <summary>Collectors scripted per target id, for scheduler and publisher tests.</summary>
public sealed class FakeCollectors : ICollectorFactory
{
    private readonly Dictionary<string, Func<CancellationToken, Task<IReadOnlyList<Sample>>>> _scripts = new();

    public FakeCollectors Add(string id, Func<CancellationToken, Task<IReadOnlyList<Sample>>> script)
    {
        _scripts[id] = script;
        return this;
    }

    public ICollector Create(TargetDefinition target) => new Scripted(_scripts[target.Id]);

    private sealed class Scripted(Func<CancellationToken, Task<IReadOnlyList<Sample>>> script) : ICollector
    {
        public Task<IReadOnlyList<Sample>> CollectAsync(CancellationToken cancellationToken) => script(cancellationToken);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
