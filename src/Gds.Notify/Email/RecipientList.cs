using MimeKit;

namespace Gds.Notify.Email;

/// <summary>Comma- or semicolon-separated address lists, as configuration holds them.</summary>
public static class RecipientList
{
    public static IReadOnlyList<string> Split(string? list) =>
        string.IsNullOrWhiteSpace(list)
            ? []
            : list.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Entries that are not a full address; MimeKit alone would take a bare local part such as "oncall".</summary>
    public static IEnumerable<string> Invalid(string? list) =>
        Split(list).Where(a => !MailboxAddress.TryParse(a, out var m) || !m.Address.Contains('@'));

    public static IReadOnlyList<MailboxAddress> Parse(string? list) => Split(list).Select(MailboxAddress.Parse).ToList();
}
