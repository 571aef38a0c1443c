using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Gds.Warehouse.Tests.Support;

/// <summary>Routes a component's log lines into the test's output, so a failure shows what the importer said.</summary>
public sealed class TestLogger<T>(ITestOutputHelper output) : ILogger<T>
{
    private readonly DateTime _start = DateTime.UtcNow;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try { output.WriteLine($"{(DateTime.UtcNow - _start).TotalSeconds,7:0.000} {logLevel,-11} {formatter(state, exception)}{(exception is null ? "" : " " + exception)}"); }
        catch (InvalidOperationException) { /* the test already finished */ }
    }
}
