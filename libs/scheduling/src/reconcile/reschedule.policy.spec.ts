import fc from 'fast-check';
import { mockDeployment } from '../testing/scheduling.factories.js';
import { degradedReason, rescheduleDelayMs, rescheduleVerdict } from './reschedule.policy.js';

const failure = (index: number, at: number, overrides: { nodeId?: string; version?: number; cause?: string } = {}) => ({
  allocId: `f-${index}-${at}`,
  index,
  nodeId: overrides.nodeId ?? 'n1',
  version: overrides.version ?? 1,
  at,
  cause: overrides.cause ?? 'exit code 3',
});

describe('rescheduleVerdict', () => {
  const policy = { delay: 1_000, max_delay: 8_000, interval: 60_000, attempts: 0 };

  it('doubles the delay with each failure of the slot within the interval, up to max_delay', () => {
    const at = [1, 2, 3, 4, 5].map((n) => n * 100);
    const deployment = mockDeployment({ spec: { reschedule: policy }, failures: at.map((t) => failure(0, t)) });
    expect([1, 2, 3, 4, 5].map((n) => rescheduleDelayMs(deployment.spec.reschedule, n))).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(rescheduleVerdict(deployment, 1_000).slots.get(0)).toMatchObject({ failures: 5, dueAt: 500 + 8_000, givenUp: false });
  });

  it('counts only failures of the current version within the interval', () => {
    const deployment = mockDeployment({
      version: 2,
      spec: { reschedule: policy },
      failures: [failure(0, 1_000, { version: 1 }), failure(0, 2_000), failure(0, 70_000, { version: 2 })],
    });
    expect(rescheduleVerdict(deployment, 75_000).slots.get(0)).toMatchObject({ failures: 1, dueAt: 71_000 });
    expect(rescheduleVerdict(deployment, 200_000).slots.size).toBe(0);
  });

  it('gives a slot up after its attempts and names it in the degraded reason', () => {
    const deployment = mockDeployment({ spec: { reschedule: { ...policy, attempts: 1 } }, failures: [failure(1, 100), failure(1, 200, { cause: "image 'nope' not found" })] });
    const verdict = rescheduleVerdict(deployment, 300);
    expect(verdict.givenUp).toEqual([1]);
    expect(verdict.slots.get(1)?.dueAt).toBe(Infinity);
    expect(degradedReason(deployment, verdict)).toBe("slot 1 not replaced again (1 reschedule attempts used within 1m); last failure: image 'nope' not found on node n1");
  });

  it('replaces a slot whose allocation used up its restart attempts after the reschedule delay, and names the restart policy as the cause', () => {
    const cause = 'exit code 3; restart attempts used up (2 within 10m)';
    const deployment = mockDeployment({ spec: { reschedule: policy }, failures: [failure(0, 100, { cause }), failure(0, 5_000, { cause }), failure(0, 9_000, { cause })] });
    const verdict = rescheduleVerdict(deployment, 9_500);
    expect(verdict.slots.get(0)).toMatchObject({ failures: 3, givenUp: false, dueAt: 9_000 + 4_000 });
    expect(verdict.failing).toEqual([0]);
    expect(degradedReason(deployment, verdict)).toContain(`last failure: ${cause} on node n1`);
  });

  it('avoids a node once the version failed there twice, and only that node', () => {
    const deployment = mockDeployment({ spec: { reschedule: policy }, failures: [failure(0, 100, { nodeId: 'bad' }), failure(1, 200, { nodeId: 'bad' }), failure(2, 300, { nodeId: 'ok' })] });
    expect([...rescheduleVerdict(deployment, 400).avoidedNodes]).toEqual(['bad']);
  });

  it('never waits longer than max_delay after the last failure, and never places a slot that gave up', () => {
    fc.assert(
      fc.property(
        fc.record({ delay: fc.integer({ min: 0, max: 5_000 }), extra: fc.integer({ min: 0, max: 60_000 }), attempts: fc.integer({ min: 0, max: 5 }) }),
        fc.array(fc.record({ index: fc.integer({ min: 0, max: 3 }), at: fc.integer({ min: 0, max: 100_000 }) }), { maxLength: 20 }),
        fc.integer({ min: 0, max: 200_000 }),
        ({ delay, extra, attempts }, failures, now) => {
          const reschedule = { delay, max_delay: delay + extra, interval: 50_000, attempts };
          const deployment = mockDeployment({ spec: { reschedule }, failures: failures.map(({ index, at }) => failure(index, at)) });
          const verdict = rescheduleVerdict(deployment, now);
          for (const slot of verdict.slots.values()) {
            if (slot.givenUp) {
              expect(attempts).toBeGreaterThan(0);
              expect(slot.failures).toBeGreaterThan(attempts);
            } else {
              expect(slot.dueAt - slot.last.at).toBeLessThanOrEqual(reschedule.max_delay);
              expect(slot.dueAt - slot.last.at).toBeGreaterThanOrEqual(Math.min(delay, reschedule.max_delay));
            }
          }
        },
      ),
    );
  });
});
