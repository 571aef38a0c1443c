using MimeKit;

namespace Gds.Notify.Email;

/// <summary>Comma- or semicolon-separated address lists, as configuration holds them.</summary>
public static class RecipientList
{
    public static IReadOnlyList<string> Split(string? list) =>
        string.IsNullOrWhiteSpace(list)
            ? []
            : list.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static IEnumerable<string> Invalid(string? list) => Split(list).Where(a => !MailboxAddress.TryParse(a, out _));

    public static IReadOnlyList<MailboxAddress> Parse(string? list) => Split(list).Select(MailboxAddress.Parse).ToList();
}
