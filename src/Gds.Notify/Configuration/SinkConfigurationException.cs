namespace Gds.Notify.Configuration;

/// <summary>The sink's configuration is wrong; <see cref="Errors"/> names every bad setting by its configuration path.</summary>
public sealed class SinkConfigurationException(IReadOnlyList<string> errors)
    : Exception("invalid sink configuration: " + string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
