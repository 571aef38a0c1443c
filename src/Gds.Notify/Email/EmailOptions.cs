namespace Gds.Notify.Email;

/// <summary>
/// Direct email for CRITICAL events while the circuit breaker around gds_notification is open. Off unless
/// <see cref="SmtpHost"/> is set. The password is read from a file or an environment variable, never from config.
/// </summary>
public sealed class EmailOptions
{
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 587;

    /// <summary>None, StartTls (default), StartTlsWhenAvailable or SslOnConnect.</summary>
    public string Security { get; set; } = "StartTls";

    /// <summary>Accept any SMTP server certificate; off by default.</summary>
    public bool SkipTlsVerification { get; set; }

    /// <summary>SMTP user; no authentication when empty.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }
    public string? PasswordFile { get; set; }
    public string? PasswordEnvironmentVariable { get; set; } = "GDS_SMTP_PASSWORD";

    public string From { get; set; } = "gds-sink@localhost";

    /// <summary>Fallback recipients per routing key, comma-separated ("dba": "a@x.org, b@x.org").</summary>
    public Dictionary<string, string> Recipients { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Recipients of routes without an entry in <see cref="Recipients"/>, comma-separated.</summary>
    public string? DefaultRecipients { get; set; }

    /// <summary>Mails waiting for the SMTP server; beyond it new ones are dropped (and counted) rather than slow the sink.</summary>
    public int QueueCapacity { get; set; } = 1_000;

    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(SmtpHost);
}
