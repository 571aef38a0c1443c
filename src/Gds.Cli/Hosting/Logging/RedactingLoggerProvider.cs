namespace Gds.Cli.Hosting.Logging;

/// <summary>
/// The console logger, with secrets masked in every message and exception before they are written. Filtering is
/// the outer factory's (levels, --verbose); the inner console sees only what passed.
/// </summary>
public sealed class RedactingLoggerProvider(SecretRedactor redactor) : ILoggerProvider
{
    private readonly ILoggerFactory _console = LoggerFactory.Create(b =>
    {
        b.SetMinimumLevel(LogLevel.Trace);
        b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
         .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    });

    public ILogger CreateLogger(string categoryName)
    {
        var inner = _console.CreateLogger(categoryName);
        return redactor.HasSecrets ? new RedactingLogger(inner, redactor) : inner;
    }

    public void Dispose() => _console.Dispose();

    private sealed class RedactingLogger(ILogger inner, SecretRedactor redactor) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The console prints an exception's ToString() as is: it goes into the redacted text instead.
            var text = redactor.Redact(formatter(state, exception) + (exception is null ? "" : Environment.NewLine + exception));
            inner.Log(logLevel, eventId, text, null, static (s, _) => s);
        }
    }
}
