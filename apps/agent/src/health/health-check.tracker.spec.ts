import { HealthCheckTracker, type ProbeResult } from './health-check.tracker.js';

const pass: ProbeResult = { ok: true };
const fail = (reason = 'connection refused'): ProbeResult => ({ ok: false, reason });

describe('HealthCheckTracker', () => {
  const startedAt = 1_000_000;

  it('is healthy at the first pass, even within the grace period, and says so once', () => {
    const tracker = new HealthCheckTracker({ failures: 3, grace: 5_000 }, startedAt);
    expect(tracker.status).toBeUndefined();
    expect(tracker.observe(pass, startedAt + 100)).toEqual({ status: 'healthy', at: startedAt + 100 });
    expect(tracker.observe(pass, startedAt + 200)).toBeUndefined();
    expect(tracker.status).toBe('healthy');
  });

  it('does not count failures within the grace period', () => {
    const tracker = new HealthCheckTracker({ failures: 1, grace: 5_000 }, startedAt);
    for (let t = 0; t < 5_000; t += 500) expect(tracker.observe(fail(), startedAt + t)).toBeUndefined();
    expect(tracker.observe(fail('timed out'), startedAt + 5_000)).toEqual({ status: 'unhealthy', reason: 'timed out', at: startedAt + 5_000 });
  });

  it('turns unhealthy after `failures` failures in a row, once, naming the last reason; a pass in between starts the count again', () => {
    const tracker = new HealthCheckTracker({ failures: 3, grace: 0 }, startedAt);
    tracker.observe(pass, startedAt + 1);
    expect(tracker.observe(fail(), startedAt + 2)).toBeUndefined();
    expect(tracker.observe(fail(), startedAt + 3)).toBeUndefined();
    expect(tracker.observe(pass, startedAt + 4)).toBeUndefined();
    expect(tracker.observe(fail(), startedAt + 5)).toBeUndefined();
    expect(tracker.observe(fail(), startedAt + 6)).toBeUndefined();
    expect(tracker.observe(fail('answered 500'), startedAt + 7)).toEqual({
      status: 'unhealthy',
      reason: '3 checks failed in a row; last: answered 500',
      at: startedAt + 7,
    });
    expect(tracker.observe(fail(), startedAt + 8)).toBeUndefined();
    expect(tracker.observe(pass, startedAt + 9)).toEqual({ status: 'healthy', at: startedAt + 9 });
  });

  it('can be unhealthy without ever having been healthy', () => {
    const tracker = new HealthCheckTracker({ failures: 2, grace: 1_000 }, startedAt);
    expect(tracker.observe(fail(), startedAt + 1_000)).toBeUndefined();
    expect(tracker.observe(fail(), startedAt + 2_000)).toMatchObject({ status: 'unhealthy' });
  });
});
