namespace Gds.Cli.Commands.Bench;

public sealed class BenchDwCommand() : NotBuiltYet<EmptySettings>("issue 7: warehouse benchmark");
