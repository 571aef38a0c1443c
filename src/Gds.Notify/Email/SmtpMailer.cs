using Gds.Notify.Configuration;
using MailKit.Net.Smtp;
using MimeKit;

namespace Gds.Notify.Email;

/// <summary>
/// MailKit over SMTP: STARTTLS (or TLS on connect, or none) as configured, authentication when a user is set,
/// certificate verification on unless switched off. One connection per message: fallback mail is rare.
/// </summary>
public sealed class SmtpMailer : IMailSender
{
    private readonly EmailOptions _options;
    private readonly string? _password;

    public SmtpMailer(EmailOptions options)
    {
        _options = options;
        _password = string.IsNullOrEmpty(options.UserName)
            ? null
            : SecretSource.Read(options.Password, options.PasswordFile, options.PasswordEnvironmentVariable, $"{SinkOptions.SectionName}:Email:Password")
              ?? throw new SinkConfigurationException([$"{SinkOptions.SectionName}:Email:UserName is set but no password was found (Email:PasswordFile or ${options.PasswordEnvironmentVariable})"]);
    }

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        SmtpSecurity.TryParse(_options.Security, out var security);
        using var smtp = new SmtpClient { Timeout = (int)_options.SendTimeout.TotalMilliseconds };
        if (_options.SkipTlsVerification) smtp.ServerCertificateValidationCallback = (_, _, _, _) => true;
        await smtp.ConnectAsync(_options.SmtpHost!, _options.SmtpPort, security, cancellationToken).ConfigureAwait(false);
        if (_password is not null) await smtp.AuthenticateAsync(_options.UserName!, _password, cancellationToken).ConfigureAwait(false);
        await smtp.SendAsync(message, cancellationToken).ConfigureAwait(false);
        await smtp.DisconnectAsync(true, cancellationToken).ConfigureAwait(false);
    }
}
