using MailKit.Security;

namespace Gds.Notify.Email;

/// <summary>Maps the config word for SMTP transport security onto MailKit's options.</summary>
public static class SmtpSecurity
{
    public static readonly IReadOnlyList<string> Names = ["None", "StartTls", "StartTlsWhenAvailable", "SslOnConnect"];

    public static bool TryParse(string? text, out SecureSocketOptions value)
    {
        value = text?.Trim().ToLowerInvariant() switch
        {
            "none" => SecureSocketOptions.None,
            "starttls" => SecureSocketOptions.StartTls,
            "starttlswhenavailable" => SecureSocketOptions.StartTlsWhenAvailable,
            "sslonconnect" or "tls" => SecureSocketOptions.SslOnConnect,
            _ => (SecureSocketOptions)(-1),
        };
        return (int)value >= 0;
    }
}
