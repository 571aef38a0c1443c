using MimeKit;

namespace Gds.Notify.Email;

/// <summary>Sends one message; the SMTP implementation is <see cref="SmtpMailer"/>.</summary>
public interface IMailSender
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}
