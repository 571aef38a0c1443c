namespace Gds.Monitor.Tests.Support;

/// <summary>Files under Recorded/ (copied next to the test assembly).</summary>
public static class Recorded
{
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([AppContext.BaseDirectory, "Recorded", .. parts]);

    public static string Text(params string[] parts) => File.ReadAllText(Path(parts));
}
