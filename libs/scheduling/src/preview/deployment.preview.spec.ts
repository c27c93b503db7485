import type { ClusterSnapshot } from '../cluster-snapshot.types.js';
import { allocationOf, mockDeployment, mockNode } from '../testing/scheduling.factories.js';
import { previewDeployment } from './deployment.preview.js';

const nodes = [mockNode({ id: 'node-a', capacity: { cpu: 1000, memory: 1024 } }), mockNode({ id: 'node-b', capacity: { cpu: 1000, memory: 1024 } })];
const web = mockDeployment({ spec: { replicas: 2, strategy: 'spread' } });
const running: ClusterSnapshot = {
  position: 40,
  nodes,
  allocations: [allocationOf(web, 'node-a', 0), allocationOf(web, 'node-b', 1)],
  deployments: [web],
};

describe('previewDeployment', () => {
  it('places every replica of a deployment the snapshot does not know, on the nodes a plan would choose', () => {
    const preview = previewDeployment({ ...running, allocations: [], deployments: [] }, mockDeployment({ spec: { replicas: 3 } }), 0);
    expect(preview.basedOn).toBe(40);
    expect(preview.placements.map((p) => [p.nodeId, p.index, p.version])).toEqual([
      ['node-a', 0, 1],
      ['node-a', 1, 1],
      ['node-a', 2, 1],
    ]);
    expect(preview.placements.every((p) => p.allocId.startsWith('preview:default/web:'))).toBe(true);
    expect(preview).toMatchObject({ stops: [], kept: 0, unplaced: undefined, elsewhere: { placements: 0, stops: 0 } });
  });

  it('scales up in place: the running replicas are kept and only the new slots placed', () => {
    const preview = previewDeployment(running, { ...web, spec: { ...web.spec, replicas: 4 } }, 0);
    expect(preview.placements.map((p) => p.index)).toEqual([2, 3]);
    expect(preview).toMatchObject({ stops: [], kept: 2 });
  });

  it('scales down by stopping the highest slots', () => {
    const preview = previewDeployment(running, { ...web, spec: { ...web.spec, replicas: 1 } }, 0);
    expect(preview.stops).toEqual([{ allocId: 'default-web-v1-1', nodeId: 'node-b', reason: 'scaled-down', version: 1, index: 1 }]);
    expect(preview).toMatchObject({ placements: [], kept: 1 });
  });

  it('replaces every replica of an older version for a new version', () => {
    const preview = previewDeployment(running, { ...web, version: 2, spec: { ...web.spec, image: 'plato/busybox:2' } }, 0);
    expect(preview.stops.map((s) => [s.allocId, s.reason, s.version])).toEqual([
      ['default-web-v1-0', 'outdated', 1],
      ['default-web-v1-1', 'outdated', 1],
    ]);
    expect(preview.placements.map((p) => [p.index, p.version])).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(preview.kept).toBe(0);
  });

  it('reports replicas no node takes with counts per failed check', () => {
    const preview = previewDeployment(running, { ...web, version: 2, spec: { ...web.spec, resources: { cpu: 100, memory: 2048 } } }, 0);
    expect(preview.placements).toEqual([]);
    expect(preview.unplaced).toMatchObject({ deployment: 'web', version: 2, count: 2, summary: '2 nodes: insufficient memory' });
  });

  it('keeps other deployments out of its lists and counts their pending work apart', () => {
    const api = mockDeployment({ name: 'api', spec: { replicas: 2 } });
    const preview = previewDeployment({ ...running, deployments: [web, api] }, web, 0);
    expect(preview).toMatchObject({ placements: [], stops: [], kept: 2, elsewhere: { placements: 2, stops: 0 } });
  });

  it('stops every allocation when the candidate is deleted', () => {
    const preview = previewDeployment(running, { ...web, deleted: true }, 0);
    expect(preview.stops.map((s) => s.reason)).toEqual(['deleted', 'deleted']);
    expect(preview.kept).toBe(0);
  });
});
