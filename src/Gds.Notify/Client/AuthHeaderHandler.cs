using System.Net.Http.Headers;

namespace Gds.Notify.Client;

/// <summary>Puts the secret on every request. It lives only in this handler: no log scope or exception sees it.</summary>
internal sealed class AuthHeaderHandler(string headerName, string scheme, string token) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (string.Equals(headerName, "Authorization", StringComparison.OrdinalIgnoreCase))
            request.Headers.Authorization = string.IsNullOrEmpty(scheme) ? new AuthenticationHeaderValue(token) : new AuthenticationHeaderValue(scheme, token);
        else
            request.Headers.TryAddWithoutValidation(headerName, string.IsNullOrEmpty(scheme) ? token : $"{scheme} {token}");
        return base.SendAsync(request, cancellationToken);
    }
}
