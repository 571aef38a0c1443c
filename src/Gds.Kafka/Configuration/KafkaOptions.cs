namespace Gds.Kafka.Configuration;

/// <summary>
/// The one Kafka client configuration of a gds process (section "Kafka", GDS_Kafka__…): every producer, consumer,
/// admin client and Streamiz are built from it. Secrets come from the environment or from files, never from gds.json.
/// </summary>
public sealed class KafkaOptions
{
    public const string Section = "Kafka";

    public string? BootstrapServers { get; init; }
    /// <summary>PLAINTEXT (default), SSL, SASL_PLAINTEXT or SASL_SSL.</summary>
    public string? SecurityProtocol { get; init; }
    /// <summary>PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER; only with a SASL_ protocol.</summary>
    public string? SaslMechanism { get; init; }
    public string? SaslUsername { get; init; }
    public string? SaslPassword { get; init; }
    /// <summary>A file holding the SASL password (one line; surrounding whitespace is dropped).</summary>
    public string? SaslPasswordFile { get; init; }
    public string? SslCaLocation { get; init; }
    public string? SslCertificateLocation { get; init; }
    public string? SslKeyLocation { get; init; }
    public string? SslKeyPassword { get; init; }
    public string? SslKeyPasswordFile { get; init; }

    /// <summary>What this process writes: json (default) or avro (Confluent wire format, schemas in a registry). It reads both.</summary>
    public string? Format { get; init; }
    /// <summary>The schema registry (Confluent Schema Registry, Karapace, Apicurio's ccompat API, or gds kafka's own).</summary>
    public string? SchemaRegistryUrl { get; init; }
    public string? SchemaRegistryUsername { get; init; }
    public string? SchemaRegistryPassword { get; init; }
    /// <summary>A file holding the registry password (one line; surrounding whitespace is dropped).</summary>
    public string? SchemaRegistryPasswordFile { get; init; }

    public static readonly IReadOnlyList<string> Protocols = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"];
    public static readonly IReadOnlyList<string> Formats = ["json", "avro"];
    public static readonly IReadOnlyList<string> Mechanisms = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER"];

    /// <summary>The protocol as librdkafka spells it; PLAINTEXT when none is set.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string EffectiveProtocol => string.IsNullOrWhiteSpace(SecurityProtocol) ? "PLAINTEXT" : SecurityProtocol.Trim().ToUpperInvariant();

    /// <summary>json or avro as given, lower case; json when none is set.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string EffectiveFormat => string.IsNullOrWhiteSpace(Format) ? "json" : Format.Trim().ToLowerInvariant();

    [System.Text.Json.Serialization.JsonIgnore]
    public bool UsesSasl => EffectiveProtocol.StartsWith("SASL_", StringComparison.Ordinal);
    [System.Text.Json.Serialization.JsonIgnore]
    public bool UsesTls => EffectiveProtocol is "SSL" or "SASL_SSL";
}
