namespace Gds.Cli.Commands.Silences;

public sealed class SilenceExpireCommand() : NotBuiltYet<EmptySettings>("issue 5: silences");
