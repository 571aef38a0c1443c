using System.Diagnostics;

namespace Gds.Cli.Commands.Schemas;

/// <summary>
/// The committed versions of files in one git checkout, read with the git command line (the checkout a developer
/// or CI already has; no library reads a repository the way `git log -- path` follows it, shallow clones included).
/// </summary>
public sealed class GitFileHistory
{
    private readonly string top;
    private readonly string prefix;

    private GitFileHistory(string top, string prefix) => (this.top, this.prefix) = (top, prefix);

    /// <summary>The checkout's top folder.</summary>
    public string Top => top;

    /// <summary>The checkout holding <paramref name="dir"/>, or null when it is not inside one (or git is missing).</summary>
    public static GitFileHistory? Open(string dir)
    {
        var top = Run(dir, "rev-parse", "--show-toplevel");
        if (top.Code != 0) return null;
        var prefix = Run(dir, "rev-parse", "--show-prefix");
        return new GitFileHistory(top.Out.Trim(), prefix.Out.Trim());
    }

    /// <summary>The full commit id of a revision, or null when the checkout has no such commit.</summary>
    public string? Resolve(string revision)
    {
        var r = Run(top, "rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}");
        return r.Code == 0 ? r.Out.Trim() : null;
    }

    /// <summary>The path git names a file of the directory by (relative to the checkout's top, / separated).</summary>
    public string PathOf(string fileName) => prefix + fileName;

    /// <summary>The commits that changed the file, newest first (only those a shallow clone has).</summary>
    public IReadOnlyList<string> CommitsOf(string path)
    {
        var r = Run(top, "log", "--format=%H", "--", path);
        return r.Code == 0 ? r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [];
    }

    /// <summary>The file's content at a commit, or null when it does not exist there (deleted, not yet added).</summary>
    public string? ContentAt(string commit, string path)
    {
        var r = Run(top, "show", $"{commit}:{path}");
        return r.Code == 0 ? r.Out : null;
    }

    public static string Short(string commit) => commit.Length > 10 ? commit[..10] : commit;

    private static (int Code, string Out, string Err) Run(string dir, params string[] args)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-C");
        start.ArgumentList.Add(dir);
        foreach (var a in args) start.ArgumentList.Add(a);
        // A developer's pager, colours or locale must not reach what is parsed here.
        start.Environment["GIT_PAGER"] = "cat";
        start.Environment["LC_ALL"] = "C";
        try
        {
            using var git = Process.Start(start)!;
            var stdout = git.StandardOutput.ReadToEndAsync();
            var stderr = git.StandardError.ReadToEndAsync();
            git.WaitForExit();
            return (git.ExitCode, stdout.Result, stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, "", "git could not be run: " + ex.Message);
        }
    }
}
