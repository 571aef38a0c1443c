using Gds.Notify.Email;
using Microsoft.Extensions.Options;

namespace Gds.Notify.Configuration;

/// <summary>
/// Checks a <see cref="SinkOptions"/> and names each wrong setting by its configuration path ("Sink:Retry:MaxAttempts"),
/// so a bad config fails at start-up with a message that says where to look.
/// </summary>
public sealed class SinkOptionsValidator : IValidateOptions<SinkOptions>
{
    private const string S = SinkOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, SinkOptions options)
    {
        var errors = Errors(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Throws <see cref="SinkConfigurationException"/> listing every problem, or returns quietly.</summary>
    public static void ThrowIfInvalid(SinkOptions options)
    {
        var errors = Errors(options);
        if (errors.Count > 0) throw new SinkConfigurationException(errors);
    }

    public static IReadOnlyList<string> Errors(SinkOptions o)
    {
        var e = new List<string>();
        if (string.IsNullOrWhiteSpace(o.NotifyUrl))
            e.Add($"{S}:NotifyUrl is required (the base URL of gds_notification, e.g. http://notify:8080)");
        else if (!Uri.TryCreate(o.NotifyUrl, UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttp && u.Scheme != Uri.UriSchemeHttps))
            e.Add($"{S}:NotifyUrl '{o.NotifyUrl}' is not an absolute http(s) URL");
        if (string.IsNullOrWhiteSpace(o.AuthHeaderName)) e.Add($"{S}:AuthHeaderName must not be empty");
        if (string.IsNullOrWhiteSpace(o.DefaultRoute)) e.Add($"{S}:DefaultRoute must not be empty");
        if (string.IsNullOrWhiteSpace(o.SourceTopic)) e.Add($"{S}:SourceTopic must not be empty");
        if (string.IsNullOrWhiteSpace(o.DeadLetterTopic)) e.Add($"{S}:DeadLetterTopic must not be empty");
        AtLeast(e, "MaxInFlight", o.MaxInFlight, 1);
        Positive(e, "CommitInterval", o.CommitInterval);
        NotNegative(e, "DrainTimeout", o.DrainTimeout);
        if (o.SessionTimeout < TimeSpan.FromSeconds(1) || o.SessionTimeout > TimeSpan.FromMinutes(30))
            e.Add($"{S}:SessionTimeout must be between 1 s and 30 min (was {o.SessionTimeout})");

        AtLeast(e, "Retry:MaxAttempts", o.Retry.MaxAttempts, 1);
        NotNegative(e, "Retry:BaseDelay", o.Retry.BaseDelay);
        NotNegative(e, "Retry:MaxDelay", o.Retry.MaxDelay);
        if (o.Retry.MaxDelay < o.Retry.BaseDelay) e.Add($"{S}:Retry:MaxDelay ({o.Retry.MaxDelay}) is shorter than Retry:BaseDelay ({o.Retry.BaseDelay})");
        NotNegative(e, "Retry:MaxRetryAfter", o.Retry.MaxRetryAfter);
        Positive(e, "Retry:AttemptTimeout", o.Retry.AttemptTimeout);
        Positive(e, "Retry:RoundTimeout", o.Retry.RoundTimeout);
        Positive(e, "Retry:HoldDelay", o.Retry.HoldDelay);
        if (o.Retry.GiveUpAfter is { } g) Positive(e, "Retry:GiveUpAfter", g);

        if (o.Breaker.FailureRatio is <= 0 or > 1) e.Add($"{S}:Breaker:FailureRatio must be in (0, 1] (was {o.Breaker.FailureRatio})");
        AtLeast(e, "Breaker:MinimumThroughput", o.Breaker.MinimumThroughput, 2);
        if (o.Breaker.SamplingDuration < TimeSpan.FromMilliseconds(500)) e.Add($"{S}:Breaker:SamplingDuration must be at least 500 ms (was {o.Breaker.SamplingDuration})");
        if (o.Breaker.BreakDuration < TimeSpan.FromMilliseconds(500)) e.Add($"{S}:Breaker:BreakDuration must be at least 500 ms (was {o.Breaker.BreakDuration})");

        AtLeast(e, "Bulkhead:MaxConcurrencyPerRoute", o.Bulkhead.MaxConcurrencyPerRoute, 1);
        AtLeast(e, "Bulkhead:MaxQueuedPerRoute", o.Bulkhead.MaxQueuedPerRoute, 1);

        if (o.RateLimit.Enabled)
        {
            AtLeast(e, "RateLimit:Burst", o.RateLimit.Burst, 1);
            AtLeast(e, "RateLimit:TokensPerPeriod", o.RateLimit.TokensPerPeriod, 1);
            Positive(e, "RateLimit:Period", o.RateLimit.Period);
        }

        foreach (var (route, g2) in o.Grouping.Routes)
        {
            var p = $"Grouping:Routes:{route}";
            NotNegative(e, p + ":GroupWait", g2.GroupWait);
            NotNegative(e, p + ":GroupInterval", g2.GroupInterval);
            NotNegative(e, p + ":RepeatInterval", g2.RepeatInterval);
        }

        ValidateEmail(e, o.Email);
        if (o.Watchdog is { } w) e.AddRange(Watchdog.WatchdogOptionsValidator.Errors(w));
        return e;
    }

    private static void ValidateEmail(List<string> e, EmailOptions m)
    {
        if (!m.Enabled) return;
        if (m.SmtpPort is < 1 or > 65535) e.Add($"{S}:Email:SmtpPort must be 1-65535 (was {m.SmtpPort})");
        if (!SmtpSecurity.TryParse(m.Security, out _))
            e.Add($"{S}:Email:Security '{m.Security}' is not one of {string.Join(", ", SmtpSecurity.Names)}");
        if (RecipientList.Invalid(m.From).Any() || RecipientList.Split(m.From).Count != 1) e.Add($"{S}:Email:From '{m.From}' is not an email address");
        AtLeast(e, "Email:QueueCapacity", m.QueueCapacity, 1);
        Positive(e, "Email:SendTimeout", m.SendTimeout);
        foreach (var (route, list) in m.Recipients)
            foreach (var bad in RecipientList.Invalid(list))
                e.Add($"{S}:Email:Recipients:{route}: '{bad}' is not an email address");
        foreach (var bad in RecipientList.Invalid(m.DefaultRecipients))
            e.Add($"{S}:Email:DefaultRecipients: '{bad}' is not an email address");
        if (m.Recipients.Count == 0 && string.IsNullOrWhiteSpace(m.DefaultRecipients))
            e.Add($"{S}:Email: SmtpHost is set but there are no recipients (set Email:Recipients:<route> or Email:DefaultRecipients)");
    }

    private static void AtLeast(List<string> e, string path, int value, int min)
    {
        if (value < min) e.Add($"{S}:{path} must be at least {min} (was {value})");
    }

    private static void Positive(List<string> e, string path, TimeSpan value)
    {
        if (value <= TimeSpan.Zero) e.Add($"{S}:{path} must be longer than zero (was {value})");
    }

    private static void NotNegative(List<string> e, string path, TimeSpan value)
    {
        if (value < TimeSpan.Zero) e.Add($"{S}:{path} must not be negative (was {value})");
    }
}
