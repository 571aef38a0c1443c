using System.Net;

namespace Gds.Notify.Client;

/// <summary>What one POST got back: a status with its body and Retry-After, or a transport failure.</summary>
public sealed record AttemptResult(int? StatusCode, string? Body, TimeSpan? RetryAfter, Exception? Failure = null)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>Worth another try: no answer, a timeout, 408, 429 or 5xx.</summary>
    public bool IsTransient => StatusCode is null or (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500;

    /// <summary>An answer that says the request itself is wrong (other 4xx, 3xx): retrying cannot help.</summary>
    public bool IsPermanent => !IsSuccess && !IsTransient;

    /// <summary>A sign the service is unwell, as the circuit breaker counts it. 429 is the service working as designed.</summary>
    public bool IsServiceFailure => StatusCode is null or (int)HttpStatusCode.RequestTimeout or >= 500;

    public string Describe() => StatusCode is { } s
        ? $"HTTP {s}" + (string.IsNullOrWhiteSpace(Body) ? "" : $": {Shorten(Body, 200)}")
        : $"no answer: {Failure?.GetType().Name}: {Failure?.Message}";

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..max] + "…";
}
