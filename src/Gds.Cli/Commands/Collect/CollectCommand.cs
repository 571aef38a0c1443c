namespace Gds.Cli.Commands.Collect;

public sealed class CollectCommand() : NotBuiltYet<EmptySettings>("issue 3: collectors");
