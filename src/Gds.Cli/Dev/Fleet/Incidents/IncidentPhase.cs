namespace Gds.Cli.Dev.Fleet.Incidents;

/// <summary>
/// Where an incident stands at a tick: when this cycle's episode began (the same at every tick of it, so it names
/// the episode), how long ago, and how long the episode lasts.
/// </summary>
internal readonly record struct IncidentPhase(DateTimeOffset Began, TimeSpan Elapsed, TimeSpan Length);
