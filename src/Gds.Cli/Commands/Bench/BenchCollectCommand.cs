namespace Gds.Cli.Commands.Bench;

public sealed class BenchCollectCommand() : NotBuiltYet<EmptySettings>("issue 3: collector benchmark");
