/**
 * The wall clock, where the time of day decides something (when a callback is due). A port so tests
 * can fix the day and hour ("周五" said on a Tuesday at 01:10) whatever the clock of the run says;
 * the process gets the system clock (OpsOptions.clock).
 */
export interface Clock {
  now(): Date;
}
export const CLOCK = Symbol('Clock');

export const systemClock: Clock = { now: () => new Date() };
