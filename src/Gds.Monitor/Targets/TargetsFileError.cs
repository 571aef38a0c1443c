namespace Gds.Monitor.Targets;

/// <summary>One problem in a targets file, located as precisely as the YAML allows.</summary>
public sealed record TargetsFileError(string File, int Line, string? TargetId, string? Field, string Message)
{
    public override string ToString()
    {
        var where = Line > 0 ? $"{File}:{Line}" : File;
        var target = TargetId is null ? "" : $" target '{TargetId}':";
        var field = Field is null ? "" : $" {Field}:";
        return $"{where}:{target}{field} {Message}";
    }
}

/// <summary>A targets file that cannot be used; <see cref="Errors"/> lists every problem, not just the first.</summary>
public sealed class TargetsFileException(IReadOnlyList<TargetsFileError> errors)
    : Exception(string.Join(System.Environment.NewLine, errors.Select(e => e.ToString())))
{
    public IReadOnlyList<TargetsFileError> Errors { get; } = errors;
}
