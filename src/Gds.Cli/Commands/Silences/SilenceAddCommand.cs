namespace Gds.Cli.Commands.Silences;

public sealed class SilenceAddCommand() : NotBuiltYet<EmptySettings>("issue 5: silences");
