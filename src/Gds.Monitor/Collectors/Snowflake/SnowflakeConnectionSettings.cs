using System.Data.Common;
using Gds.Monitor.Targets;

namespace Gds.Monitor.Collectors.Snowflake;

/// <summary>
/// A Snowflake target's connection: <c>account=xy12345;user=MONITOR;private_key=${file:/secrets/rsa_key.p8};warehouse=MONITOR_WH;role=MONITOR</c>.
/// Keys: account, user, private_key (PEM, PKCS#8 or PKCS#1, or bare base64 DER) or private_key_file (a path),
/// private_key_passphrase (for an encrypted key), warehouse, role, host (default https://ACCOUNT.snowflakecomputing.com).
/// </summary>
public sealed class SnowflakeConnectionSettings
{
    private static readonly string[] Keys = ["account", "user", "private_key", "private_key_file", "private_key_passphrase", "warehouse", "role", "host"];

    public required string Account { get; init; }
    public required string User { get; init; }
    public required string PrivateKeyPem { get; init; }
    public string? PrivateKeyPassphrase { get; init; }
    public string? Warehouse { get; init; }
    public string? Role { get; init; }
    public required Uri Host { get; init; }

    /// <summary>Checks a connection text's keys (secrets not resolved); throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static void Validate(string text) => _ = Pairs(text);

    /// <summary>
    /// Resolves the secret references of each value separately (a PEM key inserted into the text first would break
    /// its parsing), or the whole text when it is a file: reference.
    /// </summary>
    public static (SnowflakeConnectionSettings Settings, ResolvedSecret Secrets) Resolve(SecretTemplate template)
    {
        var secrets = new List<ResolvedSecret>();
        Dictionary<string, string> pairs;
        if (template.Text.StartsWith("file:", StringComparison.Ordinal))
        {
            var whole = template.Resolve();
            secrets.Add(whole);
            pairs = Pairs(whole.Value);
        }
        else
        {
            pairs = Pairs(template.Text);
            foreach (var key in pairs.Keys.ToList())
            {
                var resolved = SecretTemplate.Parse(pairs[key]).Resolve();
                secrets.Add(resolved);
                pairs[key] = resolved.Value;
            }
        }
        var pem = pairs.GetValueOrDefault("private_key");
        if (pem is null && pairs.TryGetValue("private_key_file", out var path))
        {
            try
            {
                pem = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new SecretResolutionException($"private_key_file {path} cannot be read: {ex.GetType().Name}");
            }
            secrets.Add(new ResolvedSecret(pem, [pem.Trim()]));
        }
        var account = pairs["account"];
        var host = pairs.TryGetValue("host", out var h) ? new Uri(h) : new Uri($"https://{account.ToLowerInvariant()}.snowflakecomputing.com");
        var settings = new SnowflakeConnectionSettings
        {
            Account = account,
            User = pairs["user"],
            PrivateKeyPem = pem!,
            PrivateKeyPassphrase = pairs.GetValueOrDefault("private_key_passphrase"),
            Warehouse = pairs.GetValueOrDefault("warehouse"),
            Role = pairs.GetValueOrDefault("role"),
            Host = host,
        };
        return (settings, ResolvedSecret.Combine(template.Text, secrets));
    }

    private static Dictionary<string, string> Pairs(string text)
    {
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = text;
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"not a key=value;... connection: {ex.Message}");
        }
        var pairs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string key in builder.Keys)
        {
            var k = key.ToLowerInvariant();
            if (!Keys.Contains(k)) throw new FormatException($"unknown key '{key}' (known: {string.Join(", ", Keys)})");
            pairs[k] = Convert.ToString(builder[key]) ?? "";
        }
        foreach (var required in new[] { "account", "user" })
            if (!pairs.TryGetValue(required, out var v) || v.Length == 0) throw new FormatException($"'{required}' is missing");
        if (!pairs.ContainsKey("private_key") && !pairs.ContainsKey("private_key_file"))
            throw new FormatException("'private_key' or 'private_key_file' is missing (key-pair authentication)");
        if (pairs.TryGetValue("host", out var host) && !(Uri.TryCreate(host, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
            throw new FormatException($"'host' must be an absolute https:// URL, not '{host}'");
        return pairs;
    }
}
