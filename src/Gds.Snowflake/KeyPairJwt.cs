using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gds.Snowflake;

/// <summary>
/// Snowflake key-pair authentication: an RS256 JWT with iss = ACCOUNT.USER.SHA256:fingerprint (base64 SHA-256 of
/// the public key's DER SubjectPublicKeyInfo, as Snowflake shows in RSA_PUBLIC_KEY_FP) and sub = ACCOUNT.USER.
/// Snowflake accepts tokens valid for at most an hour; one is reused until a few minutes before it expires.
/// </summary>
public sealed class KeyPairJwt : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(59);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);

    private readonly RSA _key;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private string? _token;
    private DateTimeOffset _expires;

    public KeyPairJwt(string account, string user, RSA privateKey, TimeProvider? time = null)
    {
        _key = privateKey;
        _time = time ?? TimeProvider.System;
        QualifiedUser = $"{AccountIdentifier(account)}.{user.ToUpperInvariant()}";
        Fingerprint = PublicKeyFingerprint(privateKey);
    }

    /// <summary>ACCOUNT.USER, upper case: the JWT subject.</summary>
    public string QualifiedUser { get; }

    /// <summary>SHA256:base64, as Snowflake stores it for the user.</summary>
    public string Fingerprint { get; }

    public string Issuer => $"{QualifiedUser}.{Fingerprint}";

    /// <summary>
    /// The account part of the JWT claims: upper case, and for a locator with a region (xy12345.us-east-1) only the
    /// locator, as Snowflake's documentation asks.
    /// </summary>
    public static string AccountIdentifier(string account)
    {
        var a = account.Trim();
        if (a.EndsWith(".snowflakecomputing.com", StringComparison.OrdinalIgnoreCase)) a = a[..^".snowflakecomputing.com".Length];
        var dot = a.IndexOf('.');
        if (dot > 0) a = a[..dot];
        return a.ToUpperInvariant();
    }

    public static string PublicKeyFingerprint(RSA key) =>
        "SHA256:" + Convert.ToBase64String(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));

    /// <summary>A valid token, minted anew only when the cached one is close to expiry.</summary>
    public string Token()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_token is not null && now < _expires - RenewBefore) return _token;
            var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
            var issued = now;
            _expires = issued + Lifetime;
            _token = handler.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Issuer,
                Claims = new Dictionary<string, object> { ["sub"] = QualifiedUser },
                IssuedAt = issued.UtcDateTime,
                Expires = _expires.UtcDateTime,
                SigningCredentials = new SigningCredentials(new RsaSecurityKey(_key), SecurityAlgorithms.RsaSha256),
            });
            return _token;
        }
    }

    /// <summary>
    /// Reads a private key as people store them: PEM (PKCS#8, PKCS#1 or encrypted PKCS#8 with a passphrase), PEM
    /// squeezed into one line with literal \n, or bare base64 DER (PKCS#8).
    /// </summary>
    public static RSA LoadPrivateKey(string text, string? passphrase)
    {
        var pem = text.Replace("\\n", "\n", StringComparison.Ordinal).Trim();
        var rsa = RSA.Create();
        try
        {
            if (pem.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                if (pem.Contains("ENCRYPTED", StringComparison.Ordinal))
                {
                    if (string.IsNullOrEmpty(passphrase)) throw new FormatException("the private key is encrypted and no private_key_passphrase is given");
                    rsa.ImportFromEncryptedPem(pem, passphrase);
                }
                else
                {
                    rsa.ImportFromPem(pem);
                }
            }
            else
            {
                rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(pem), out _);
            }
            return rsa;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or FormatException)
        {
            rsa.Dispose();
            // The key's text never goes into the message.
            throw new FormatException($"the private key cannot be read: {ex.GetType().Name}" + (ex is FormatException ? $": {ex.Message}" : ""));
        }
    }

    public void Dispose() => _key.Dispose();
}
