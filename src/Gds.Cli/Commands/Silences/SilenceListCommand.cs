namespace Gds.Cli.Commands.Silences;

public sealed class SilenceListCommand() : NotBuiltYet<EmptySettings>("issue 5: silences");
