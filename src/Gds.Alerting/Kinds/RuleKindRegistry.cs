using Gds.Alerting.Kinds.Threshold;

namespace Gds.Alerting.Kinds;

/// <summary>The rule kinds this build understands, by name.</summary>
public sealed class RuleKindRegistry
{
    private readonly Dictionary<string, IRuleKind> _kinds;

    public RuleKindRegistry(IEnumerable<IRuleKind> kinds) => _kinds = kinds.ToDictionary(k => k.Name, StringComparer.Ordinal);

    /// <summary>Every kind shipped with GdsStreams.</summary>
    public static RuleKindRegistry Default { get; } = new(BuiltInKinds.All());

    public bool TryGet(string name, out IRuleKind kind) => _kinds.TryGetValue(name, out kind!);

    public IReadOnlyCollection<string> Names => _kinds.Keys;
}
