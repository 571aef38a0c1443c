namespace Gds.Kafka.Configuration;

/// <summary>The librdkafka properties a <see cref="KafkaOptions"/> stands for, secrets read from their files.</summary>
public static class KafkaClientProperties
{
    public static IReadOnlyDictionary<string, string> From(KafkaOptions o)
    {
        var p = new Dictionary<string, string>(StringComparer.Ordinal);
        if (o.EffectiveProtocol != "PLAINTEXT") p["security.protocol"] = o.EffectiveProtocol.ToLowerInvariant();
        if (!string.IsNullOrWhiteSpace(o.SaslMechanism)) p["sasl.mechanism"] = o.SaslMechanism.Trim().ToUpperInvariant();
        if (!string.IsNullOrWhiteSpace(o.SaslUsername)) p["sasl.username"] = o.SaslUsername;
        if (Secret(o.SaslPassword, o.SaslPasswordFile) is { } password) p["sasl.password"] = password;
        if (!string.IsNullOrWhiteSpace(o.SslCaLocation)) p["ssl.ca.location"] = o.SslCaLocation;
        if (!string.IsNullOrWhiteSpace(o.SslCertificateLocation)) p["ssl.certificate.location"] = o.SslCertificateLocation;
        if (!string.IsNullOrWhiteSpace(o.SslKeyLocation)) p["ssl.key.location"] = o.SslKeyLocation;
        if (Secret(o.SslKeyPassword, o.SslKeyPasswordFile) is { } keyPassword) p["ssl.key.password"] = keyPassword;
        return p;
    }

    /// <summary>The secret values among them, for redaction of anything that is printed.</summary>
    public static IEnumerable<string> Secrets(KafkaOptions o) =>
        new[] { Secret(o.SaslPassword, o.SaslPasswordFile), Secret(o.SslKeyPassword, o.SslKeyPasswordFile), RegistryPassword(o) }
            .Where(s => !string.IsNullOrEmpty(s))!;

    /// <summary>The schema registry's basic-auth password, from Kafka:SchemaRegistryPassword or its file.</summary>
    public static string? RegistryPassword(KafkaOptions o) => Secret(o.SchemaRegistryPassword, o.SchemaRegistryPasswordFile);

    private static string? Secret(string? value, string? file)
    {
        if (!string.IsNullOrEmpty(value)) return value;
        if (string.IsNullOrWhiteSpace(file) || !File.Exists(file)) return null;
        return File.ReadAllText(file).Trim();
    }
}
