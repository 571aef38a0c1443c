namespace Gds.Topology.Hosting;

/// <summary>
/// librdkafka properties onto a Streamiz config. Streamiz's AddConfig assigns a key to its typed property when it
/// has one, and a string does not convert to an enum there: security.protocol and sasl.mechanism go in typed.
/// </summary>
internal static class StreamizClientProperties
{
    public static void Apply(StreamConfig config, IReadOnlyDictionary<string, string> properties)
    {
        foreach (var (key, value) in properties)
        {
            switch (key)
            {
                case "security.protocol":
                    config.SecurityProtocol = Enum.Parse<SecurityProtocol>(value.Replace("_", ""), ignoreCase: true);
                    break;
                case "sasl.mechanism":
                    config.SaslMechanism = value.ToUpperInvariant() switch
                    {
                        "PLAIN" => SaslMechanism.Plain,
                        "SCRAM-SHA-256" => SaslMechanism.ScramSha256,
                        "SCRAM-SHA-512" => SaslMechanism.ScramSha512,
                        "OAUTHBEARER" => SaslMechanism.OAuthBearer,
                        "GSSAPI" => SaslMechanism.Gssapi,
                        _ => throw new ArgumentException($"sasl.mechanism '{value}' is not one Streamiz knows"),
                    };
                    break;
                default:
                    config.AddConfig(key, value);
                    break;
            }
        }
    }
}
