import { hostname } from 'node:os';

/** Default lease: a crashed leader is replaced within about this long (plus a poll). */
export const defaultLeaseMs = 3_000;

/** The scheduler's settings; main.ts reads them from the environment, tests build their own. */
export class SchedulerConfig {
  constructor(
    /** This process's name in the lease key (`PLATO_SCHEDULER_NAME`, default `<hostname>-<pid>`). */
    readonly instance: string = `${hostname()}-${process.pid}`,
    /** How long one lease write holds (`PLATO_SCHEDULER_LEASE_MS`, default 3 000). */
    readonly leaseMs: number = defaultLeaseMs,
    /** Planning waits this long after an event for more to arrive (`PLATO_SCHEDULER_DEBOUNCE_MS`, default 25). */
    readonly debounceMs: number = 25,
    /** The leader also plans this often, to catch anything missed (`PLATO_SCHEDULER_TICK_MS`, default 1 000). */
    readonly tickMs: number = 1_000,
  ) {
    if (instance.trim() === '') throw new Error('the scheduler instance name must not be empty');
    positive('leaseMs', leaseMs, 500);
    positive('debounceMs', debounceMs, 0);
    positive('tickMs', tickMs, 10);
  }

  /** The settings from `PLATO_SCHEDULER_NAME`, `_LEASE_MS`, `_DEBOUNCE_MS` and `_TICK_MS`; unset ones take their default. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): SchedulerConfig {
    const defaults = new SchedulerConfig();
    return new SchedulerConfig(
      env['PLATO_SCHEDULER_NAME']?.trim() || defaults.instance,
      integer(env, 'PLATO_SCHEDULER_LEASE_MS') ?? defaults.leaseMs,
      integer(env, 'PLATO_SCHEDULER_DEBOUNCE_MS') ?? defaults.debounceMs,
      integer(env, 'PLATO_SCHEDULER_TICK_MS') ?? defaults.tickMs,
    );
  }
}

function integer(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer of milliseconds, got '${raw}'`);
  return value;
}

function positive(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${value}`);
}
