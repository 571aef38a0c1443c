using Microsoft.Extensions.Options;

namespace Gds.Kafka.Configuration;

/// <summary>Checks each key and the combinations librdkafka would only reject at the first connection (or never).</summary>
public sealed class KafkaOptionsValidator : IValidateOptions<KafkaOptions>
{
    public ValidateOptionsResult Validate(string? name, KafkaOptions o)
    {
        var errors = Problems(o);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static IReadOnlyList<string> Problems(KafkaOptions o)
    {
        var errors = new List<string>();
        const string s = KafkaOptions.Section;
        if (string.IsNullOrWhiteSpace(o.BootstrapServers))
            errors.Add("no Kafka bootstrap servers: pass --bootstrap HOST:PORT (or --bootstrap-file, GDS_BOOTSTRAP, Kafka:BootstrapServers)");
        if (!KafkaOptions.Protocols.Contains(o.EffectiveProtocol))
            errors.Add($"{s}:SecurityProtocol: '{o.SecurityProtocol}' is not one of {string.Join(", ", KafkaOptions.Protocols)}");
        if (!string.IsNullOrWhiteSpace(o.SaslMechanism))
        {
            if (!KafkaOptions.Mechanisms.Contains(o.SaslMechanism.Trim().ToUpperInvariant()))
                errors.Add($"{s}:SaslMechanism: '{o.SaslMechanism}' is not one of {string.Join(", ", KafkaOptions.Mechanisms)}");
            if (!o.UsesSasl)
                errors.Add($"{s}:SaslMechanism: '{o.SaslMechanism}' needs a SASL protocol ({s}:SecurityProtocol SASL_PLAINTEXT or SASL_SSL, not {o.EffectiveProtocol})");
        }
        var hasPassword = !string.IsNullOrEmpty(o.SaslPassword) || !string.IsNullOrWhiteSpace(o.SaslPasswordFile);
        if (!string.IsNullOrEmpty(o.SaslPassword) && !string.IsNullOrWhiteSpace(o.SaslPasswordFile))
            errors.Add($"{s}:SaslPassword and {s}:SaslPasswordFile are mutually exclusive");
        if (!string.IsNullOrWhiteSpace(o.SaslUsername) && !hasPassword && !IsOAuth(o))
            errors.Add($"{s}:SaslUsername: set without a password ({s}:SaslPassword or {s}:SaslPasswordFile)");
        if (hasPassword && string.IsNullOrWhiteSpace(o.SaslUsername))
            errors.Add($"{s}:SaslPassword: set without {s}:SaslUsername");
        if ((!string.IsNullOrWhiteSpace(o.SaslUsername) || hasPassword) && !o.UsesSasl && KafkaOptions.Protocols.Contains(o.EffectiveProtocol))
            errors.Add($"{s}:SaslUsername: SASL credentials need {s}:SecurityProtocol SASL_PLAINTEXT or SASL_SSL (not {o.EffectiveProtocol})");
        if (o.UsesSasl && string.IsNullOrWhiteSpace(o.SaslMechanism))
            errors.Add($"{s}:SaslMechanism: {o.EffectiveProtocol} needs one of {string.Join(", ", KafkaOptions.Mechanisms)}");
        if (!string.IsNullOrEmpty(o.SslKeyPassword) && !string.IsNullOrWhiteSpace(o.SslKeyPasswordFile))
            errors.Add($"{s}:SslKeyPassword and {s}:SslKeyPasswordFile are mutually exclusive");
        if (!string.IsNullOrWhiteSpace(o.SslCertificateLocation) != !string.IsNullOrWhiteSpace(o.SslKeyLocation))
            errors.Add($"{s}:SslCertificateLocation and {s}:SslKeyLocation: a client certificate needs both");
        if (!o.UsesTls)
            foreach (var (key, value) in TlsKeys(o))
                if (!string.IsNullOrWhiteSpace(value))
                    errors.Add($"{s}:{key}: set, but {s}:SecurityProtocol is {o.EffectiveProtocol} (TLS settings need SSL or SASL_SSL)");
        if (!KafkaOptions.Formats.Contains(o.EffectiveFormat))
            errors.Add($"{s}:Format: '{o.Format}' is not one of {string.Join(", ", KafkaOptions.Formats)}");
        if (!string.IsNullOrWhiteSpace(o.SchemaRegistryUrl)
            && !(Uri.TryCreate(o.SchemaRegistryUrl.Split(',')[0].Trim(), UriKind.Absolute, out var registry) && registry.Scheme is "http" or "https"))
            errors.Add($"{s}:SchemaRegistryUrl: '{o.SchemaRegistryUrl}' is not an http:// or https:// URL");
        if (o.EffectiveFormat == "avro" && string.IsNullOrWhiteSpace(o.SchemaRegistryUrl))
            errors.Add($"{s}:Format: avro needs a schema registry: pass --schema-registry URL (or {s}:SchemaRegistryUrl, GDS_Kafka__SchemaRegistryUrl)");
        if (!string.IsNullOrEmpty(o.SchemaRegistryPassword) && !string.IsNullOrWhiteSpace(o.SchemaRegistryPasswordFile))
            errors.Add($"{s}:SchemaRegistryPassword and {s}:SchemaRegistryPasswordFile are mutually exclusive");
        var hasRegistryPassword = !string.IsNullOrEmpty(o.SchemaRegistryPassword) || !string.IsNullOrWhiteSpace(o.SchemaRegistryPasswordFile);
        if (hasRegistryPassword != !string.IsNullOrWhiteSpace(o.SchemaRegistryUsername))
            errors.Add($"{s}:SchemaRegistryUsername: basic auth needs both the user name and a password ({s}:SchemaRegistryPassword or {s}:SchemaRegistryPasswordFile)");
        foreach (var (key, value) in Files(o))
            if (!string.IsNullOrWhiteSpace(value) && !File.Exists(value))
                errors.Add($"{s}:{key}: {value} does not exist");
        return errors;
    }

    private static bool IsOAuth(KafkaOptions o) => string.Equals(o.SaslMechanism?.Trim(), "OAUTHBEARER", StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<(string, string?)> TlsKeys(KafkaOptions o) =>
    [
        (nameof(o.SslCaLocation), o.SslCaLocation), (nameof(o.SslCertificateLocation), o.SslCertificateLocation),
        (nameof(o.SslKeyLocation), o.SslKeyLocation),
    ];

    private static IEnumerable<(string, string?)> Files(KafkaOptions o) =>
    [
        (nameof(o.SaslPasswordFile), o.SaslPasswordFile), (nameof(o.SslCaLocation), o.SslCaLocation),
        (nameof(o.SslCertificateLocation), o.SslCertificateLocation), (nameof(o.SslKeyLocation), o.SslKeyLocation),
        (nameof(o.SslKeyPasswordFile), o.SslKeyPasswordFile), (nameof(o.SchemaRegistryPasswordFile), o.SchemaRegistryPasswordFile),
    ];
}
