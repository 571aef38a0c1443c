using Gds.Kafka.Configuration;
using Microsoft.Extensions.Configuration;

namespace Gds.Cli.Hosting.Logging;

/// <summary>
/// Replaces every secret this process knows of by *** in text about to be printed. Secrets are found by where
/// configuration keeps them (a key naming a password, token or secret; the files such keys point to), so a new
/// secret setting is covered without a list to keep up to date, and whatever prints them (librdkafka, Streamiz, an
/// exception message) is covered too.
/// </summary>
public sealed class SecretRedactor
{
    public const string Mask = "***";
    // Shorter values would mask ordinary words; a 3-character password is not worth that.
    private const int MinimumLength = 4;
    private readonly string[] _secrets;

    public SecretRedactor(IEnumerable<string> secrets) =>
        _secrets = secrets.Where(s => s.Length >= MinimumLength).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToArray();

    public static SecretRedactor From(IConfiguration configuration)
    {
        var secrets = new List<string>();
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (string.IsNullOrEmpty(value)) continue;
            var leaf = key[(key.LastIndexOf(':') + 1)..];
            if (IsSecretFile(leaf)) secrets.AddRange(ReadFile(value));
            else if (IsSecret(leaf)) secrets.Add(value);
            // Sink:AuthTokenEnvironmentVariable, Sink:Email:PasswordEnvironmentVariable: the variable's value is the secret.
            if (leaf.EndsWith("EnvironmentVariable", StringComparison.OrdinalIgnoreCase)
                && (leaf.Contains("Token", StringComparison.OrdinalIgnoreCase) || leaf.Contains("Password", StringComparison.OrdinalIgnoreCase))
                && Environment.GetEnvironmentVariable(value) is { } fromVariable)
                secrets.Add(fromVariable.Trim());
        }
        if (Environment.GetEnvironmentVariable("GDS_NOTIFY_TOKEN") is { } notify) secrets.Add(notify.Trim());
        var kafka = configuration.GetSection(KafkaOptions.Section).Get<KafkaOptions>() ?? new KafkaOptions();
        secrets.AddRange(KafkaClientProperties.Secrets(kafka));
        return new SecretRedactor(secrets);
    }

    public bool HasSecrets => _secrets.Length > 0;

    public string Redact(string text)
    {
        foreach (var s in _secrets)
            if (text.Contains(s, StringComparison.Ordinal)) text = text.Replace(s, Mask, StringComparison.Ordinal);
        return text;
    }

    public static bool IsSecret(string leaf) =>
        (leaf.Contains("Password", StringComparison.OrdinalIgnoreCase) || leaf.Contains("Secret", StringComparison.OrdinalIgnoreCase)
         || leaf.Equals("AuthToken", StringComparison.OrdinalIgnoreCase) || leaf.Equals("Connection", StringComparison.OrdinalIgnoreCase) || leaf.EndsWith("Token", StringComparison.OrdinalIgnoreCase))
        && !IsSecretFile(leaf) && !leaf.EndsWith("EnvironmentVariable", StringComparison.OrdinalIgnoreCase);

    private static bool IsSecretFile(string leaf) =>
        leaf.EndsWith("File", StringComparison.OrdinalIgnoreCase)
        && (leaf.Contains("Password", StringComparison.OrdinalIgnoreCase) || leaf.Contains("Token", StringComparison.OrdinalIgnoreCase) || leaf.Contains("Secret", StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<string> ReadFile(string path)
    {
        try
        {
            return File.Exists(path) ? [File.ReadAllText(path).Trim()] : [];
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }
}
