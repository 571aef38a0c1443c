namespace Gds.Cli.Commands.Bench;

public sealed class BenchSinkCommand() : NotBuiltYet<EmptySettings>("issue 6: sink benchmark");
