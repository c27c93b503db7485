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

  it('replaces allocations on lost nodes, terminal ones and older versions in their slots', () => {
    const v1 = mockDeployment({ spec: { replicas: 4 } });
    const v2 = mockDeployment({ version: 2, spec: { replicas: 4, image: 'plato/busybox:2' } });
    const allocations = [
      allocationOf(v2, 'lost-node', 0),
      allocationOf(v2, 'n1', 1, { status: 'failed' }),
      allocationOf(v1, 'n1', 2),
      allocationOf(v2, 'n1', 3),
    ];
    expect(summary(reconcile(v2, allocations, (nodeId) => nodeId === 'lost-node'))).toEqual({
      stops: ['default-web-v2-0:node-lost', 'default-web-v2-1:terminal', 'default-web-v1-2:outdated'],
      kept: ['default-web-v2-3'],
      missing: [0, 1, 2],
    });
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
