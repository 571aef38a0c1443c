using System.Text;
using System.Text.RegularExpressions;

namespace Gds.Warehouse.Connections;

/// <summary>
/// Expands ${NAME} references in a connection string from the environment, so a password or a private key never
/// has to appear on a command line or in a config file. "$${" stands for a literal "${".
/// </summary>
public static partial class EnvironmentReferences
{
    [GeneratedRegex(@"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\{[^}]*\}?")]
    private static partial Regex Reference();

    public static string Expand(string text, Func<string, string?>? lookup = null)
    {
        lookup ??= Environment.GetEnvironmentVariable;
        var missing = new List<string>();
        var result = Reference().Replace(text, m =>
        {
            if (m.Value == "$${") return "${";
            if (!m.Groups[1].Success)
                throw new ConnectionStringException($"'{m.Value}' is not a valid environment reference: write ${{NAME}} with letters, digits and _");
            var value = lookup(m.Groups[1].Value);
            if (value is null) missing.Add(m.Groups[1].Value);
            return value ?? "";
        });
        if (missing.Count > 0)
            throw new ConnectionStringException(
                $"the connection string refers to environment variable{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}, which {(missing.Count > 1 ? "are" : "is")} not set");
        return result;
    }
}

/// <summary>A connection string that cannot be used; the message names the key or variable, never a secret value.</summary>
public sealed class ConnectionStringException(string message, Exception? inner = null) : Exception(message, inner);
