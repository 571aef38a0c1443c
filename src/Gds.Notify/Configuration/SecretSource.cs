namespace Gds.Notify.Configuration;

/// <summary>
/// Reads a secret from where the configuration says it is. The value never appears in an exception message or a
/// log line; only the place it was looked for does.
/// </summary>
public static class SecretSource
{
    /// <summary>The value itself, else the file's content, else the environment variable; null when none is set.</summary>
    public static string? Read(string? value, string? file, string? environmentVariable, string what)
    {
        if (!string.IsNullOrEmpty(value)) return value;
        if (!string.IsNullOrWhiteSpace(file))
        {
            if (!File.Exists(file)) throw new SinkConfigurationException([$"{what}File: '{file}' does not exist"]);
            var text = File.ReadAllText(file).Trim();
            if (text.Length == 0) throw new SinkConfigurationException([$"{what}File: '{file}' is empty"]);
            return text;
        }
        if (!string.IsNullOrWhiteSpace(environmentVariable))
        {
            var env = Environment.GetEnvironmentVariable(environmentVariable);
            if (!string.IsNullOrEmpty(env)) return env.Trim();
        }
        return null;
    }
}
