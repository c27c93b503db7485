import type { AllocationInfo, DeploymentInfo, RolloutInfo } from '../cluster-snapshot.types.js';
import { allocationOf, mockDeployment } from '../testing/scheduling.factories.js';
import { reconcile } from './deployment.reconciler.js';

const noneLost = () => false;
const t0 = 1_000_000;
const update = { max_parallel: 2, min_healthy_time: '1s', healthy_deadline: '10s', progress_deadline: '30s' };

function rolloutOf(version: number, overrides: Partial<RolloutInfo> = {}): RolloutInfo {
  return { version, from: version - 1, status: 'running', promoted: false, startedAt: t0, since: t0, progressSince: t0, ...overrides };
}

const v1 = mockDeployment({ spec: { replicas: 6 } });
function v2(more: Record<string, unknown> = {}, rollout: Partial<RolloutInfo> = {}): DeploymentInfo {
  return mockDeployment({ version: 2, spec: { replicas: 6, image: 'plato/busybox:2', update: { ...update, ...more } }, rollout: rolloutOf(2, rollout) });
}
const serving = (deployment: DeploymentInfo, slot: number, since: number, more: Partial<AllocationInfo> = {}) =>
  allocationOf(deployment, 'n1', slot, { status: 'running', servingSince: since, placedAt: since, ...more });
const oldOnes = (slots: number[]) => slots.map((slot) => serving(v1, slot, 0));

function step(deployment: DeploymentInfo, allocations: AllocationInfo[], now: number) {
  const result = reconcile(deployment, allocations, noneLost, now);
  return {
    stops: result.stops.map(({ allocation, reason }) => `${allocation.id}:${reason}`),
    missing: result.missing,
    status: result.rollout?.status,
    outcome: result.rollout?.outcome,
    wakeAt: result.rollout?.wakeAt,
  };
}

describe('rollouts (stop-first)', () => {
  it('replaces max_parallel old replicas, and the next batch only once the new ones served min_healthy_time', () => {
    expect(step(v2(), oldOnes([0, 1, 2, 3, 4, 5]), t0)).toMatchObject({ stops: ['default-web-v1-0:outdated', 'default-web-v1-1:outdated'], missing: [0, 1], status: 'running' });
    const firstBatch = [serving(v2(), 0, t0 + 100), serving(v2(), 1, t0 + 300), ...oldOnes([2, 3, 4, 5])];
    expect(step(v2(), firstBatch, t0 + 1_050)).toMatchObject({ stops: [], missing: [], wakeAt: t0 + 1_100 });
    expect(step(v2(), firstBatch, t0 + 1_200)).toMatchObject({ stops: ['default-web-v1-2:outdated'], missing: [2], wakeAt: t0 + 1_300 });
    expect(step(v2(), firstBatch, t0 + 1_300)).toMatchObject({ stops: ['default-web-v1-2:outdated', 'default-web-v1-3:outdated'], missing: [2, 3] });
  });

  it('never stops a second batch while the first does not serve, and fails at the healthy deadline naming the replica', () => {
    const stuck = [allocationOf(v2(), 'n1', 0, { status: 'running', health: 'unhealthy', placedAt: t0 }), allocationOf(v2(), 'n1', 1, { status: 'pending', placedAt: t0 }), ...oldOnes([2, 3, 4, 5])];
    expect(step(v2(), stuck, t0 + 9_999)).toMatchObject({ stops: [], missing: [], status: 'running', wakeAt: t0 + 10_000 });
    const failed = step(v2(), stuck, t0 + 10_000);
    expect(failed.stops).toEqual([]);
    expect(failed.status).toBe('failed');
    expect(failed.outcome).toEqual({
      outcome: 'failed',
      reason: 'allocation default-web-v2-0 (slot 0 on node n1) not healthy within the healthy deadline of 10s (it is running, unhealthy)',
    });
  });

  it('fails at once when a replica of the new version failed for good since the rollout started', () => {
    const failures = [{ allocId: 'a9', index: 0, nodeId: 'n1', version: 2, at: t0 + 50, cause: "no such image 'plato/busybox:2'" }];
    const deployment = { ...v2(), failures };
    expect(step(deployment, oldOnes([1, 2, 3, 4, 5]), t0 + 60).outcome).toEqual({ outcome: 'failed', reason: "allocation a9 (slot 0 on node n1) failed: no such image 'plato/busybox:2'" });
    expect(step({ ...deployment, failures: [{ ...failures[0]!, at: t0 - 1 }] }, oldOnes([1, 2, 3, 4, 5]), t0 + 60).outcome).toBeUndefined();
  });

  it('fails when nothing proved healthy within the progress deadline, counted from the last proof or resume', () => {
    const slow = { ...v2({ healthy_deadline: '20s' }), spec: { ...v2().spec, update: { ...v2().spec.update!, healthy_deadline: 20_000, progress_deadline: 20_000 } } };
    const allocations = [allocationOf(slow, 'n1', 0, { status: 'pending', placedAt: t0 + 15_000 }), serving(slow, 1, t0 + 2_000), ...oldOnes([2, 3, 4, 5])];
    expect(step(slow, allocations, t0 + 22_999).status).toBe('running');
    expect(step(slow, allocations, t0 + 23_000).outcome?.reason).toBe('no replica of version 2 proved healthy within the progress deadline of 20s');
  });

  it('completes once every replica of the new version is proven and no old one is left', () => {
    const all = [0, 1, 2, 3, 4, 5].map((slot) => serving(v2(), slot, t0 + slot * 100));
    expect(step(v2(), all, t0 + 1_400)).toMatchObject({ status: 'running', wakeAt: t0 + 1_500 });
    expect(step(v2(), all, t0 + 1_500)).toMatchObject({ status: 'completed', outcome: { outcome: 'completed' }, stops: [], missing: [] });
    expect(step(v2({}, { status: 'completed' }), all, t0 + 1_500)).toMatchObject({ status: 'completed', outcome: undefined });
  });

  it('holds every old replica while paused or failed, and decides nothing', () => {
    for (const status of ['paused', 'failed'] as const) {
      const deployment = v2({}, { status });
      const allocations = [allocationOf(deployment, 'n1', 0, { status: 'pending', placedAt: t0 }), ...oldOnes([1, 2, 3, 4, 5])];
      expect(step(deployment, allocations, t0 + 60_000)).toMatchObject({ stops: [], missing: [], status, outcome: undefined });
    }
  });
});

describe('rollouts (start-first)', () => {
  it('places new replicas beside old ones max_parallel at a time, and stops each old one once its replacement is proven', () => {
    const deployment = v2({ order: 'start-first' });
    expect(step(deployment, oldOnes([0, 1, 2, 3, 4, 5]), t0)).toMatchObject({ stops: [], missing: [0, 1] });
    const beside = [serving(deployment, 0, t0 + 100), allocationOf(deployment, 'n1', 1, { status: 'pending', placedAt: t0 }), ...oldOnes([0, 1, 2, 3, 4, 5])];
    expect(step(deployment, beside, t0 + 500)).toMatchObject({ stops: [], missing: [] });
    expect(step(deployment, beside, t0 + 1_100)).toMatchObject({ stops: ['default-web-v1-0:outdated'], missing: [2] });
  });
});

describe('rollouts with canaries', () => {
  it('places the canaries beside the old replicas, waits for promotion, then rolls the rest', () => {
    const waiting = v2({ canary: 1 });
    expect(step(waiting, oldOnes([0, 1, 2, 3, 4, 5]), t0)).toMatchObject({ stops: [], missing: [0], status: 'awaiting-promotion' });
    const canary = [serving(waiting, 0, t0 + 100), ...oldOnes([0, 1, 2, 3, 4, 5])];
    expect(step(waiting, canary, t0 + 600_000)).toMatchObject({ stops: [], missing: [], status: 'awaiting-promotion', outcome: undefined });
    const promoted = v2({ canary: 1 }, { promoted: true, progressSince: t0 + 5_000 });
    expect(step(promoted, canary, t0 + 5_000)).toMatchObject({
      stops: ['default-web-v1-0:outdated', 'default-web-v1-1:outdated', 'default-web-v1-2:outdated'],
      missing: [1, 2],
      status: 'running',
    });
  });
});

describe('rollouts that bring back an earlier version', () => {
  it('roll without canaries', () => {
    const undo = mockDeployment({ version: 3, spec: { replicas: 6, update: { ...update, canary: 1 } }, rollout: rolloutOf(3, { from: 2, revertOf: 1 }) });
    const running = [0, 1, 2, 3, 4, 5].map((slot) => serving(v2(), slot, 0));
    expect(step(undo, running, t0)).toMatchObject({ stops: ['default-web-v2-0:outdated', 'default-web-v2-1:outdated'], missing: [0, 1], status: 'running' });
  });
});

describe('rollouts back to a version that still runs', () => {
  it('keeps the replicas of a compatible version as they run and replaces only the others', () => {
    const v3 = mockDeployment({ version: 3, compatible: [1], spec: { replicas: 6, update }, rollout: rolloutOf(3, { from: 2, revertOf: 1 }) });
    const broken = [0, 1].map((slot) => allocationOf(v2(), 'n1', slot, { status: 'running', health: 'unhealthy', placedAt: t0 }));
    const result = step(v3, [...broken, ...oldOnes([2, 3, 4, 5])], t0 + 20_000);
    expect(result).toMatchObject({ stops: ['default-web-v2-0:outdated', 'default-web-v2-1:outdated'], missing: [0, 1], status: 'running', outcome: undefined });
  });
});
