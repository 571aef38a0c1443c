using System.Globalization;
using System.Net;

namespace Gds.Cli.Http;

/// <summary>HOST:PORT of --http / Http:Listen (e.g. 127.0.0.1:9464, 0.0.0.0:9464, [::1]:9464; port 0 = any free port).</summary>
public readonly record struct ListenAddress(string Host, int Port)
{
    public static bool TryParse(string? text, out ListenAddress address, out string? problem)
    {
        address = default;
        problem = null;
        if (string.IsNullOrWhiteSpace(text)) { problem = "empty"; return false; }
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1) { problem = $"'{text}' is not HOST:PORT (e.g. 127.0.0.1:9464)"; return false; }
        var host = text[..colon].Trim('[', ']');
        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            problem = $"'{text}': the port must be a number from 0 to 65535";
            return false;
        }
        if (host != "localhost" && host != "*" && !IPAddress.TryParse(host, out _) && Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            problem = $"'{text}': '{host}' is not a host name or address";
            return false;
        }
        address = new ListenAddress(host, port);
        return true;
    }

    public string Url => $"http://{(Host.Contains(':') ? $"[{Host}]" : Host == "*" ? "0.0.0.0" : Host)}:{Port}";
}
