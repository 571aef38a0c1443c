using Gds.Contracts.Secrets;

namespace Gds.Warehouse.Connections;

/// <summary>
/// Resolves the secret references of a connection string (gds's one secret syntax, <see cref="SecretTemplate"/>:
/// ${NAME}, ${file:/path}, $$ for a literal $), so a password or a private key never has to appear on a command line
/// or in a config file. Problems become <see cref="ConnectionStringException"/>s naming the variable, never a value.
/// </summary>
public static class EnvironmentReferences
{
    public static string Expand(string text, Func<string, string?>? lookup = null)
    {
        try
        {
            return SecretTemplate.Parse(text).Resolve(lookup).Value;
        }
        catch (FormatException ex)
        {
            throw new ConnectionStringException($"the connection string has a malformed secret reference: {ex.Message}", ex);
        }
        catch (SecretResolutionException ex) when (ex.MissingVariables.Count > 0)
        {
            var missing = ex.MissingVariables;
            throw new ConnectionStringException(
                $"the connection string refers to environment variable{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}, which {(missing.Count > 1 ? "are" : "is")} not set", ex);
        }
        catch (SecretResolutionException ex)
        {
            throw new ConnectionStringException($"the connection string's {ex.Message}", ex);
        }
    }
}

/// <summary>A connection string that cannot be used; the message names the key or variable, never a secret value.</summary>
public sealed class ConnectionStringException(string message, Exception? inner = null) : Exception(message, inner);
