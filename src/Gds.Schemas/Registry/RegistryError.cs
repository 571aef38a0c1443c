namespace Gds.Schemas.Registry;

/// <summary>
/// A request the registry refuses, as Confluent Schema Registry answers it: an HTTP status and its finer
/// error_code (40401 subject not found, 42201 invalid schema, ...), which Confluent's clients surface to callers.
/// </summary>
public sealed class RegistryError(int status, int errorCode, string message) : Exception(message)
{
    public int Status { get; } = status;
    public int ErrorCode { get; } = errorCode;

    public static RegistryError SubjectNotFound(string subject) => new(404, 40401, $"Subject '{subject}' not found.");
    public static RegistryError VersionNotFound(string subject, string version) => new(404, 40402, $"Version {version} not found for subject '{subject}'.");
    public static RegistryError SchemaNotFound(string detail) => new(404, 40403, $"Schema not found: {detail}");
    public static RegistryError NoSubjectConfig(string subject) => new(404, 40408, $"Subject '{subject}' does not have subject-level compatibility configured");
    public static RegistryError InvalidSchema(string detail) => new(422, 42201, $"Invalid schema: {detail}");
    public static RegistryError InvalidVersion(string version) => new(422, 42202, $"The specified version '{version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    public static RegistryError InvalidLevel(string? level) => new(422, 42203, $"Invalid compatibility level: '{level}'. Valid values are: {string.Join(", ", Compatibility.CompatibilityLevels.Names)}");
    public static RegistryError Incompatible(string detail) => new(409, 409, detail);
    public static RegistryError BadRequest(string detail) => new(400, 400, detail);
}
