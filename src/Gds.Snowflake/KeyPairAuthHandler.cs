using System.Net.Http.Headers;

namespace Gds.Snowflake;

/// <summary>Puts the key-pair JWT on every request, with the header that tells Snowflake which kind of token it is.</summary>
public sealed class KeyPairAuthHandler(KeyPairJwt jwt) : DelegatingHandler
{
    public const string TokenTypeHeader = "X-Snowflake-Authorization-Token-Type";
    public const string TokenType = "KEYPAIR_JWT";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt.Token());
        request.Headers.Remove(TokenTypeHeader);
        request.Headers.Add(TokenTypeHeader, TokenType);
        return base.SendAsync(request, cancellationToken);
    }
}
