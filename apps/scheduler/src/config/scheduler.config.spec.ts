import { SchedulerConfig } from './scheduler.config.js';

describe('SchedulerConfig.fromEnv', () => {
  it('takes defaults for what is unset', () => {
    const config = SchedulerConfig.fromEnv({});
    expect(config.leaseMs).toBe(3_000);
    expect(config.tickMs).toBe(1_000);
    expect(config.instance).toMatch(/-\d+$/);
  });

  it('reads the name and durations', () => {
    const config = SchedulerConfig.fromEnv({ PLATO_SCHEDULER_NAME: 'sched-a', PLATO_SCHEDULER_LEASE_MS: '1500', PLATO_SCHEDULER_TICK_MS: '200' });
    expect([config.instance, config.leaseMs, config.tickMs]).toEqual(['sched-a', 1_500, 200]);
  });

  it('refuses a lease that is not a sensible integer', () => {
    expect(() => SchedulerConfig.fromEnv({ PLATO_SCHEDULER_LEASE_MS: 'soon' })).toThrow(/PLATO_SCHEDULER_LEASE_MS/);
    expect(() => SchedulerConfig.fromEnv({ PLATO_SCHEDULER_LEASE_MS: '100' })).toThrow(/leaseMs/);
  });
});
