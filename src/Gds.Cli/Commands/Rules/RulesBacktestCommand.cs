namespace Gds.Cli.Commands.Rules;

public sealed class RulesBacktestCommand() : NotBuiltYet<EmptySettings>("issue 4: backtest");
