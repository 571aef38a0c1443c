using Gds.Snowflake;
using System.Data.Common;
using System.Security.Cryptography;
using Gds.Warehouse.Connections;

namespace Gds.Warehouse.Snowflake;

/// <summary>
/// A Snowflake connection string, e.g.
/// <c>account=xy12345.us-east-2.aws;user=GDS_LOADER;private_key_file=/run/secrets/sf.p8;private_key_passphrase=${SF_KEY_PASS};database=GDS;schema=DW;warehouse=LOAD_WH;role=GDS_LOADER</c>.
/// Secret references (${NAME}, ${file:/path}: docs/configuration.md, "Secrets") are resolved first; the key may also be given inline as PEM (private_key=${SF_PRIVATE_KEY}).
/// </summary>
public sealed record SnowflakeConnection
{
    public required string Account { get; init; }
    public required string User { get; init; }
    public required RSA PrivateKey { get; init; }
    public required Uri BaseAddress { get; init; }
    public string? Database { get; init; }
    public string? Schema { get; init; }
    public string? Warehouse { get; init; }
    public string? Role { get; init; }

    /// <summary>Rows per INSERT request into the stage (each request is one JSON body; keep it well under its size limit).</summary>
    public int RowsPerInsert { get; init; } = 10_000;

    /// <summary>How long one statement may run (queued, executing, polled) before it is cancelled.</summary>
    public TimeSpan StatementTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>First pause between two retries of a throttled (429) or failed (5xx) request; it doubles each time.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public int MaxRetries { get; init; } = 6;

    private static readonly HashSet<string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        "account", "user", "private_key", "private_key_file", "private_key_passphrase", "database", "db", "schema",
        "warehouse", "role", "url", "rows_per_insert", "statement_timeout_s", "retry_delay_ms", "max_retries",
    };

    /// <summary>The SQL API client's settings: this connection's context, timeouts and retries; timestamps in UTC.</summary>
    public SnowflakeClientOptions ClientOptions => new()
    {
        BaseAddress = BaseAddress,
        UserAgent = "gds-dw-importer/1.0",
        Database = Database,
        Schema = Schema,
        Warehouse = Warehouse,
        Role = Role,
        // Samples are UTC; so is every timestamp the importer writes or compares.
        Parameters = new Dictionary<string, string> { ["TIMEZONE"] = "UTC" },
        StatementTimeout = StatementTimeout,
        MaxRetries = MaxRetries,
        RetryDelay = RetryDelay,
    };

    public string Description => $"snowflake://{User}@{BaseAddress.Host}/{Database}/{Schema}";

    public static SnowflakeConnection Parse(string connection, Func<string, string?>? environment = null)
    {
        var b = new DbConnectionStringBuilder();
        try
        {
            b.ConnectionString = EnvironmentReferences.Expand(connection, environment);
        }
        catch (ArgumentException ex)
        {
            throw new ConnectionStringException($"invalid Snowflake connection string: {ex.Message}", ex);
        }
        foreach (string key in b.Keys)
            if (!Known.Contains(key))
                throw new ConnectionStringException($"the Snowflake connection string has an unknown key '{key}'; known keys: {string.Join(", ", Known.Order())}");

        string? Get(string key) => b.TryGetValue(key, out var v) && v is string s && s.Length > 0 ? s : null;
        string Required(string key) => Get(key) ?? throw new ConnectionStringException($"the Snowflake connection string has no '{key}'");
        int Int(string key, int fallback) => Get(key) is { } s
            ? int.TryParse(s, out var n) && n > 0 ? n : throw new ConnectionStringException($"the Snowflake connection string's '{key}' must be a positive integer, not '{s}'")
            : fallback;

        var account = Required("account");
        var url = Get("url") ?? $"https://{account.ToLowerInvariant()}.snowflakecomputing.com";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("https" or "http"))
            throw new ConnectionStringException($"the Snowflake connection string's 'url' is not an http(s) URL: '{url}'");
        return new SnowflakeConnection
        {
            Account = account,
            User = Required("user"),
            PrivateKey = LoadKey(Get("private_key"), Get("private_key_file"), Get("private_key_passphrase")),
            BaseAddress = baseAddress,
            Database = Get("database") ?? Get("db"),
            Schema = Get("schema"),
            Warehouse = Get("warehouse"),
            Role = Get("role"),
            RowsPerInsert = Int("rows_per_insert", 10_000),
            StatementTimeout = TimeSpan.FromSeconds(Int("statement_timeout_s", 600)),
            RetryDelay = TimeSpan.FromMilliseconds(Int("retry_delay_ms", 1000)),
            MaxRetries = Int("max_retries", 6),
        };
    }

    private static RSA LoadKey(string? inline, string? file, string? passphrase)
    {
        if (inline is not null && file is not null)
            throw new ConnectionStringException("the Snowflake connection string has both 'private_key' and 'private_key_file'; give one");
        string pem;
        if (file is not null)
        {
            if (!File.Exists(file)) throw new ConnectionStringException($"the Snowflake private key file '{file}' does not exist");
            pem = File.ReadAllText(file);
        }
        else pem = inline ?? throw new ConnectionStringException("the Snowflake connection string has no 'private_key_file' (or 'private_key'): key-pair authentication needs the user's RSA private key");
        if (passphrase is null && pem.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal))
            throw new ConnectionStringException("the Snowflake private key is encrypted: add 'private_key_passphrase' (e.g. private_key_passphrase=${SF_KEY_PASSPHRASE})");
        try
        {
            // The collector's key reader (PEM PKCS#8/PKCS#1, encrypted PKCS#8, base64 DER): one way to read a key.
            return KeyPairJwt.LoadPrivateKey(pem, passphrase);
        }
        catch (FormatException ex)
        {
            // Never echo the key: the reader's message says what kind of thing was wrong only.
            throw new ConnectionStringException($"the Snowflake private key could not be read as an RSA PEM key ({ex.Message}); expected PKCS#8 '-----BEGIN PRIVATE KEY-----' or an encrypted one with its passphrase", ex);
        }
    }
}
