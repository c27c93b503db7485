/**
 * Where the state-server reads the time (ms since the epoch). A port, so that tests drive time
 * themselves; production uses {@link SystemClock}. Provided under the `Clock` token.
 */
export abstract class Clock {
  /** The current time in milliseconds since the epoch. */
  abstract now(): number;
}

/** The production clock: `Date.now()`. */
export class SystemClock extends Clock {
  now(): number {
    return Date.now();
  }
}
