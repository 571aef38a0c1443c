using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gds.Warehouse.Snowflake;

/// <summary>
/// Snowflake key-pair authentication: an RS256 JWT whose issuer is ACCOUNT.USER.SHA256:fingerprint of the
/// public key and whose subject is ACCOUNT.USER. Snowflake accepts a token for at most an hour, so it is
/// cached and renewed well before it runs out.
/// </summary>
public sealed class KeyPairJwt(string account, string user, RSA privateKey, TimeProvider? time = null)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(59);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly object _gate = new();
    private (string Token, DateTimeOffset Expires)? _cached;

    /// <summary>The account part of the claims: upper case, without region or cloud (xy12345.us-east-2.aws → XY12345).</summary>
    public string QualifiedUser { get; } = $"{NormaliseAccount(account)}.{user.ToUpperInvariant()}";

    /// <summary>SHA256:base64 of the DER public key, as Snowflake shows it in DESC USER's RSA_PUBLIC_KEY_FP.</summary>
    public string PublicKeyFingerprint { get; } = "SHA256:" + Convert.ToBase64String(SHA256.HashData(privateKey.ExportSubjectPublicKeyInfo()));

    public string Current()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_cached is { } c && c.Expires - RenewBefore > now) return c.Token;
            var expires = now + Lifetime;
            var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
            var token = handler.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = $"{QualifiedUser}.{PublicKeyFingerprint}",
                Subject = new ClaimsIdentity([new Claim("sub", QualifiedUser)]),
                IssuedAt = now.UtcDateTime,
                Expires = expires.UtcDateTime,
                SigningCredentials = new SigningCredentials(new RsaSecurityKey(privateKey), SecurityAlgorithms.RsaSha256),
            });
            _cached = (token, expires);
            return token;
        }
    }

    internal static string NormaliseAccount(string account)
    {
        var a = account.Trim();
        var dot = a.IndexOf('.');
        if (dot > 0) a = a[..dot];
        return a.ToUpperInvariant();
    }
}

/// <summary>Puts the key-pair JWT on every request to the SQL API.</summary>
public sealed class KeyPairAuthHandler(KeyPairJwt jwt) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", jwt.Current());
        request.Headers.Remove("X-Snowflake-Authorization-Token-Type");
        request.Headers.Add("X-Snowflake-Authorization-Token-Type", "KEYPAIR_JWT");
        return base.SendAsync(request, cancellationToken);
    }
}
