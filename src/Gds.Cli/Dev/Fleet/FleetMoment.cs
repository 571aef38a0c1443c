namespace Gds.Cli.Dev.Fleet;

/// <summary>
/// One tick of the fleet: the wall-clock time every sample of the tick carries, how far into the run and into the
/// incident cycle it is, which cycle, and the seconds since the previous tick (what counters integrate their rates over).
/// </summary>
internal readonly record struct FleetMoment(DateTimeOffset At, TimeSpan SinceStart, TimeSpan InCycle, long Cycle, double StepSeconds);
