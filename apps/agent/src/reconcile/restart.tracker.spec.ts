import { RestartSpec, type RestartSpec as Policy } from '@plato/contracts';
import { RestartTracker, decideRestart, restartDelayMs, restartsAfter, type ExitVerdict } from './restart.tracker.js';

const policyOf = (restart: Partial<Record<keyof Policy, unknown>> = {}): Policy => RestartSpec.parse(restart);

/** Exits of one container at the given times (each a new exit key), fed to one tracker; the verdicts in order. */
function crashLoop(policy: Policy, exits: readonly number[], exitCode = 1): ExitVerdict[] {
  const tracker = new RestartTracker();
  return exits.map((at) => tracker.onExit('a1', policy, { key: `a1:exited:c1:${at}`, at, exitCode }));
}

describe('restart policy', () => {
  it('restarts by policy: always, on-failure unless the code is normal, never; an unhealthy stop is a failure', () => {
    const codes = [0, 1, 3, 137];
    expect(codes.map((code) => restartsAfter(policyOf({ policy: 'always' }), code))).toEqual([true, true, true, true]);
    expect(codes.map((code) => restartsAfter(policyOf({ policy: 'on-failure' }), code))).toEqual([false, true, true, true]);
    expect(codes.map((code) => restartsAfter(policyOf({ policy: 'on-failure', normal_exit_codes: [3] }), code))).toEqual([false, true, false, true]);
    expect(codes.map((code) => restartsAfter(policyOf({ policy: 'never' }), code))).toEqual([false, false, false, false]);
    expect(restartsAfter(policyOf({ policy: 'on-failure' }), 0, true)).toBe(true);
    expect(restartsAfter(policyOf({ policy: 'never' }), 143, true)).toBe(false);
  });

  it('doubles the delay per earlier restart, up to max_delay', () => {
    const policy = policyOf({ delay: '1s', max_delay: '30s' });
    expect([0, 1, 2, 3, 4, 5, 6, 60].map((n) => restartDelayMs(policy, n))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(restartDelayMs(policyOf({ delay: 0, max_delay: 0 }), 3)).toBe(0);
  });

  it('waits longer after each restart within the interval, numbering the attempts; unlimited attempts never give up', () => {
    const policy = policyOf({ delay: '1s', max_delay: '4s', interval: '1m' });
    const verdicts = crashLoop(policy, [0, 1_500, 4_000, 9_000, 14_000]);
    expect(verdicts).toEqual([
      { kind: 'restart', attempt: 1, delayMs: 1_000, dueAt: 1_000 },
      { kind: 'restart', attempt: 2, delayMs: 2_000, dueAt: 3_500 },
      { kind: 'restart', attempt: 3, delayMs: 4_000, dueAt: 8_000 },
      { kind: 'restart', attempt: 4, delayMs: 4_000, dueAt: 13_000 },
      { kind: 'restart', attempt: 5, delayMs: 4_000, dueAt: 18_000 },
    ]);
  });

  it('starts counting afresh once earlier restarts left the interval', () => {
    const policy = policyOf({ delay: '1s', max_delay: '1m', interval: '10s', attempts: 2 });
    const verdicts = crashLoop(policy, [0, 2_000, 60_000]);
    expect(verdicts.map((v) => (v.kind === 'restart' ? [v.attempt, v.delayMs] : v.kind))).toEqual([
      [1, 1_000],
      [2, 2_000],
      [1, 1_000],
    ]);
  });

  it('mode fail: gives up at the exit after `attempts` restarts within the interval, naming the code and the policy', () => {
    const policy = policyOf({ attempts: 2, interval: '1m', mode: 'fail' });
    const verdicts = crashLoop(policy, [0, 2_000, 6_000], 3);
    expect(verdicts.map((v) => v.kind)).toEqual(['restart', 'restart', 'give-up']);
    expect(verdicts[2]).toEqual({ kind: 'give-up', reason: 'exit code 3; restart attempts used up (2 within 1m)' });
    expect(decideRestart(policy, [1_000, 4_000], { key: 'k', at: 6_000, exitCode: 143, stoppedUnhealthy: true })).toEqual({
      kind: 'give-up',
      reason: 'stopped as unhealthy (exit code 143); restart attempts used up (2 within 1m)',
    });
  });

  it('mode delay: never gives up; once attempts are used up the restart waits until the oldest leaves the interval', () => {
    const policy = policyOf({ attempts: 2, interval: '1m', delay: '1s', max_delay: '5s', mode: 'delay' });
    const verdicts = crashLoop(policy, [0, 2_000, 6_000, 61_500]);
    expect(verdicts).toEqual([
      { kind: 'restart', attempt: 1, delayMs: 1_000, dueAt: 1_000 },
      { kind: 'restart', attempt: 2, delayMs: 2_000, dueAt: 4_000 },
      { kind: 'restart', attempt: 2, delayMs: 55_000, dueAt: 61_000 },
      { kind: 'restart', attempt: 2, delayMs: 4_000, dueAt: 65_500 },
    ]);
  });

  it('never restarts more than `attempts` times within any interval under mode delay', () => {
    const policy = policyOf({ attempts: 3, interval: '10s', delay: '100ms', max_delay: '1s', mode: 'delay' });
    const tracker = new RestartTracker();
    const due: number[] = [];
    let at = 0;
    for (let i = 0; i < 40; i++) {
      const verdict = tracker.onExit('a1', policy, { key: `k${i}`, at, exitCode: 1 });
      if (verdict.kind !== 'restart') throw new Error(`gave up at exit ${i}`);
      due.push(verdict.dueAt);
      at = verdict.dueAt + 50 + (i % 7) * 300;
    }
    for (const start of due) expect(due.filter((t) => t > start - policy.interval && t <= start).length).toBeLessThanOrEqual(policy.attempts);
  });

  it('stays down when the policy does not restart', () => {
    expect(crashLoop(policyOf({ policy: 'on-failure', normal_exit_codes: [3] }), [0], 3)).toEqual([{ kind: 'stay-down' }]);
    expect(crashLoop(policyOf({ policy: 'never' }), [0], 1)).toEqual([{ kind: 'stay-down' }]);
  });
});

describe('RestartTracker', () => {
  const policy = policyOf({ attempts: 1, interval: '1m', mode: 'fail' });

  it('gives the same verdict to the same exit seen again, counting it once', () => {
    const tracker = new RestartTracker();
    const exit = { key: 'a1:exited:c1:100', at: 100, exitCode: 1 };
    const first = tracker.onExit('a1', policy, exit);
    expect(tracker.onExit('a1', policy, exit)).toBe(first);
    expect(tracker.onExit('a1', policy, { ...exit, key: 'a1:exited:c1:5000', at: 5_000 })).toMatchObject({ kind: 'give-up' });
    expect(tracker.givenUp('a1')).toBe('exit code 1; restart attempts used up (1 within 1m)');
    expect(tracker.givenUp('a2')).toBeUndefined();
  });

  it('learns restarts an earlier agent wrote to the log, and answers their exit as announced', () => {
    const tracker = new RestartTracker();
    tracker.learn('a1', 'a1:exited:c1:100', 150, { attempt: 1, delayMs: 1_000 });
    expect(tracker.onExit('a1', policy, { key: 'a1:exited:c1:100', at: 100, exitCode: 1 })).toEqual({ kind: 'restart', attempt: 1, delayMs: 1_000, dueAt: 1_150 });
    expect(tracker.onExit('a1', policy, { key: 'a1:exited:c1:3000', at: 3_000, exitCode: 1 })).toMatchObject({ kind: 'give-up' });
  });

  it('ignores what it learns about an exit it decided itself, and forgets an allocation', () => {
    const tracker = new RestartTracker();
    const verdict = tracker.onExit('a1', policy, { key: 'k1', at: 100, exitCode: 1 });
    tracker.learn('a1', 'k1', 900, { attempt: 1, delayMs: 1_000 });
    expect(tracker.onExit('a1', policy, { key: 'k1', at: 100, exitCode: 1 })).toBe(verdict);
    tracker.onExit('a1', policy, { key: 'k2', at: 2_000, exitCode: 1 });
    expect(tracker.givenUp('a1')).toBeDefined();
    tracker.forget('a1');
    expect(tracker.givenUp('a1')).toBeUndefined();
    expect(tracker.onExit('a1', policy, { key: 'k3', at: 3_000, exitCode: 1 })).toMatchObject({ kind: 'restart', attempt: 1 });
  });
});
