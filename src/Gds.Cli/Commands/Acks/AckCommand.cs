namespace Gds.Cli.Commands.Acks;

public sealed class AckCommand() : NotBuiltYet<EmptySettings>("issue 5: acknowledgements");
