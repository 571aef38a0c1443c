using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Gds.Ui.Web;

/// <summary>
/// Who may use the ui. On a loopback address without a token, whoever can reach the port (this machine). Anywhere
/// else a token is required (the server refuses to start without one), and then every request must carry it: as
/// <c>Authorization: Bearer TOKEN</c>, or as the cookie a browser gets by opening <c>/?token=TOKEN</c> once (an
/// EventSource cannot send headers). Writes also need a JSON body and, when the browser names one, the page's own
/// origin: a form or script of another site cannot silence alerts through a visitor's browser.
/// </summary>
public sealed class UiAccess(string? token)
{
    public const string CookieName = "gds_ui_token";
    private readonly byte[]? _token = string.IsNullOrEmpty(token) ? null : Encoding.UTF8.GetBytes(token);

    public bool RequiresToken => _token is not null;

    /// <summary>Loopback names and addresses: what may be served without a token.</summary>
    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    public bool Allows(HttpContext http)
    {
        if (_token is null) return true;
        var auth = http.Request.Headers.Authorization.ToString();
        if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && Same(auth[7..].Trim())) return true;
        return http.Request.Cookies.TryGetValue(CookieName, out var cookie) && Same(cookie);
    }

    public bool Matches(string? presented) => _token is not null && presented is not null && Same(presented);

    /// <summary>A write must be JSON (no plain form can post it cross-site without a preflight) from this page's origin.</summary>
    public static string? WriteProblem(HttpContext http)
    {
        if (http.Request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return "writes take a JSON body (Content-Type: application/json)";
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && (!Uri.TryCreate(origin, UriKind.Absolute, out var o) || !string.Equals(o.Authority, http.Request.Host.Value, StringComparison.OrdinalIgnoreCase)))
            return $"a write from origin {origin} is refused: only the ui's own page may write";
        return null;
    }

    private bool Same(string presented) => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _token!);
}
