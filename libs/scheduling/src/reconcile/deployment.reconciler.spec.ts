import { allocationOf, mockDeployment } from '../testing/scheduling.factories.js';
import { reconcile } from './deployment.reconciler.js';

const noneLost = () => false;

function summary(result: ReturnType<typeof reconcile>) {
  return {
    stops: result.stops.map(({ allocation, reason }) => `${allocation.id}:${reason}`),
    kept: result.kept.map((allocation) => allocation.id),
    missing: result.missing,
  };
}

describe('reconcile', () => {
  it('fills every slot of a new deployment', () => {
    expect(summary(reconcile(mockDeployment({ spec: { replicas: 3 } }), [], noneLost))).toEqual({ stops: [], kept: [], missing: [0, 1, 2] });
  });

  it('keeps what matches and fills the lowest free slots', () => {
    const web = mockDeployment({ spec: { replicas: 3 } });
    const result = reconcile(web, [allocationOf(web, 'n1', 1)], noneLost);
    expect(summary(result)).toEqual({ stops: [], kept: ['default-web-v1-1'], missing: [0, 2] });
  });

  it('stops the highest slots first when scaled down', () => {
    const web = mockDeployment({ spec: { replicas: 1 } });
    const allocations = [2, 0, 1].map((slot) => allocationOf(web, 'n1', slot));
    expect(summary(reconcile(web, allocations, noneLost))).toEqual({
      stops: ['default-web-v1-2:scaled-down', 'default-web-v1-1:scaled-down'],
      kept: ['default-web-v1-0'],
      missing: [],
    });
  });

  it('stops every allocation of a deleted deployment, and of one it does not know', () => {
    const web = mockDeployment({ deleted: true, spec: { replicas: 2 } });
    const allocations = [allocationOf(web, 'n1', 0), allocationOf(web, 'n1', 1)];
    expect(summary(reconcile(web, allocations, noneLost)).stops).toEqual(['default-web-v1-0:deleted', 'default-web-v1-1:deleted']);
    expect(summary(reconcile(undefined, allocations, noneLost)).stops).toEqual(['default-web-v1-0:orphaned', 'default-web-v1-1:orphaned']);
  });

  it('replaces allocations on lost nodes without stopping them, and terminal ones and older versions in their slots', () => {
    const v1 = mockDeployment({ spec: { replicas: 4 } });
    const v2 = mockDeployment({ version: 2, spec: { replicas: 4, image: 'plato/busybox:2' } });
    const allocations = [
      allocationOf(v2, 'lost-node', 0),
      allocationOf(v2, 'n1', 1, { status: 'failed' }),
      allocationOf(v1, 'n1', 2),
      allocationOf(v2, 'n1', 3),
    ];
    expect(summary(reconcile(v2, allocations, (nodeId) => nodeId === 'lost-node'))).toEqual({
      stops: ['default-web-v2-1:terminal', 'default-web-v1-2:outdated'],
      kept: ['default-web-v2-3'],
      missing: [0, 1, 2],
    });
  });

  it('recovers a lost allocation whose node came back when nothing holds its slot, and stops it when something does', () => {
    const web = mockDeployment({ spec: { replicas: 2 } });
    const unreplaced = allocationOf(web, 'back', 0, { status: 'lost' });
    const replaced = allocationOf(web, 'back', 1, { status: 'lost' });
    const replacement = allocationOf(web, 'n2', 1, { id: 'replacement' });
    const result = reconcile(web, [unreplaced, replaced, replacement], noneLost);
    expect(summary(result)).toEqual({ stops: ['default-web-v1-1:node-lost'], kept: ['default-web-v1-0', 'replacement'], missing: [] });
    expect(result.recovered.map((allocation) => allocation.id)).toEqual(['default-web-v1-0']);
  });

  it('stops a lost allocation of an old version when its node comes back, and recovers none of a deleted deployment', () => {
    const v2 = mockDeployment({ version: 2, spec: { replicas: 1, image: 'plato/busybox:2' } });
    const old = allocationOf(mockDeployment(), 'back', 0, { status: 'lost' });
    expect(summary(reconcile(v2, [old], noneLost))).toEqual({ stops: ['default-web-v1-0:outdated'], kept: [], missing: [0] });
    const deleted = reconcile(mockDeployment({ deleted: true }), [allocationOf(mockDeployment(), 'back', 0, { status: 'lost' })], noneLost);
    expect(deleted.recovered).toEqual([]);
    expect(summary(deleted).stops).toEqual(['default-web-v1-0:deleted']);
  });

  it('holds back the replacement of a slot that failed until its reschedule delay passed, and gives up after its attempts', () => {
    const web = mockDeployment({
      spec: { replicas: 3, reschedule: { delay: 1_000, max_delay: 10_000, interval: 60_000, attempts: 2 } },
      failures: [
        { allocId: 'f1', index: 1, nodeId: 'n1', version: 1, at: 10_000, cause: 'exit code 3' },
        { allocId: 'f2', index: 2, nodeId: 'n1', version: 1, at: 9_000, cause: 'exit code 3' },
        { allocId: 'f3', index: 2, nodeId: 'n1', version: 1, at: 9_500, cause: 'exit code 3' },
        { allocId: 'f4', index: 2, nodeId: 'n1', version: 1, at: 10_000, cause: 'exit code 3' },
      ],
    });
    const early = reconcile(web, [allocationOf(web, 'n1', 0)], noneLost, 10_500);
    expect(early.missing).toEqual([]);
    expect(early.delayed).toEqual([{ index: 1, until: 11_000 }]);
    expect(early.verdict.givenUp).toEqual([2]);
    const due = reconcile(web, [allocationOf(web, 'n1', 0)], noneLost, 11_000);
    expect(due.missing).toEqual([1]);
    expect(due.delayed).toEqual([]);
  });

  it('drains at most migrate.max_parallel serving replicas at a time, counting those not serving yet, and all past the deadline', () => {
    const web = mockDeployment({ spec: { replicas: 4, migrate: { max_parallel: 2 } } });
    const onA = [0, 1, 2, 3].map((slot) => allocationOf(web, 'a', slot, { status: 'running' }));
    const drainingA = (nodeId: string) => (nodeId === 'a' ? {} : undefined);
    const first = reconcile(web, onA, noneLost, 0, drainingA);
    expect(summary(first)).toEqual({ stops: ['default-web-v1-0:drained', 'default-web-v1-1:drained'], kept: ['default-web-v1-2', 'default-web-v1-3'], missing: [0, 1] });
    const moving = [allocationOf(web, 'b', 0, { id: 'new-0', status: 'pending' }), allocationOf(web, 'b', 1, { id: 'new-1', status: 'running' }), onA[2]!, onA[3]!];
    expect(summary(reconcile(web, moving, noneLost, 0, drainingA)).stops).toEqual(['default-web-v1-2:drained']);
    const overdue = reconcile(web, onA, noneLost, 10_000, () => ({ deadline: 5_000 }));
    expect(overdue.stops).toHaveLength(4);
  });

  it('counts an unhealthy or unchecked replica of a deployment with a health check as not serving while draining', () => {
    const web = mockDeployment({ spec: { replicas: 2, ports: [{ container: 80 }], health: { type: 'tcp', port: 80 } } });
    const running = [allocationOf(web, 'a', 0, { status: 'running', health: 'healthy' }), allocationOf(web, 'b', 1, { status: 'running' })];
    const result = reconcile(web, running, noneLost, 0, (nodeId) => (nodeId === 'a' ? {} : undefined));
    expect(result.stops).toEqual([]);
  });

  it('rolls a new version out max_parallel replicas at a time with an update block, the next batch once the new ones are proven', () => {
    const v1 = mockDeployment({ spec: { replicas: 4 } });
    const v2 = mockDeployment({ version: 2, spec: { replicas: 4, image: 'plato/busybox:2', update: { max_parallel: 2, min_healthy_time: '1s' } } });
    const old = [0, 1, 2, 3].map((slot) => allocationOf(v1, 'n1', slot, { status: 'running' }));
    expect(summary(reconcile(v2, old, noneLost))).toEqual({ stops: ['default-web-v1-0:outdated', 'default-web-v1-1:outdated'], kept: [], missing: [0, 1] });
    const starting = [allocationOf(v2, 'n1', 0, { status: 'pending' }), allocationOf(v2, 'n1', 1, { status: 'running', servingSince: 1_000 }), old[2]!, old[3]!];
    expect(summary(reconcile(v2, starting, noneLost, 1_500)).stops).toEqual([]);
    expect(summary(reconcile(v2, starting, noneLost, 2_000))).toEqual({ stops: ['default-web-v1-2:outdated'], kept: ['default-web-v2-0', 'default-web-v2-1'], missing: [2] });
    const broken = [allocationOf(v2, 'n1', 0, { status: 'failed' }), allocationOf(v2, 'n1', 1, { status: 'pending' }), old[2]!, old[3]!];
    expect(summary(reconcile(v2, broken, noneLost)).stops).toEqual(['default-web-v2-0:terminal']);
  });

  it('replaces an old replica that does not serve at once, and every one without an update block', () => {
    const v1 = mockDeployment({ spec: { replicas: 2 } });
    const rolling = mockDeployment({ version: 2, spec: { replicas: 2, image: 'plato/busybox:2', update: { max_parallel: 1 } } });
    const old = [allocationOf(v1, 'n1', 0, { status: 'running' }), allocationOf(v1, 'n1', 1, { status: 'running', health: 'unhealthy' })];
    expect(summary(reconcile(rolling, old, noneLost))).toEqual({ stops: ['default-web-v1-1:outdated'], kept: [], missing: [1] });
    const allAtOnce = mockDeployment({ version: 2, spec: { replicas: 2, image: 'plato/busybox:2' } });
    expect(summary(reconcile(allAtOnce, [old[0]!, { ...old[1]!, health: 'healthy' }], noneLost)).stops).toHaveLength(2);
  });

  it('keeps one allocation per slot, the lowest id', () => {
    const web = mockDeployment({ spec: { replicas: 2 } });
    const allocations = [allocationOf(web, 'n1', 0, { id: 'b' }), allocationOf(web, 'n2', 0, { id: 'a' })];
    expect(summary(reconcile(web, allocations, noneLost))).toEqual({ stops: ['b:duplicate'], kept: ['a'], missing: [1] });
  });

  it('ignores allocations already desired stop', () => {
    const web = mockDeployment();
    const result = reconcile(web, [allocationOf(web, 'n1', 0, { desired: 'stop' })], noneLost);
    expect(summary(result)).toEqual({ stops: [], kept: [], missing: [0] });
  });
});
