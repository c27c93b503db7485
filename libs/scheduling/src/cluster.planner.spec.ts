import { plan } from './cluster.planner.js';
import type { NodeInfo } from './cluster-snapshot.types.js';
import { allocationOf, mockAllocation, mockDeployment, mockNode } from './testing/scheduling.factories.js';
import { SchedulingHarness } from './testing/scheduling.harness.js';

function nodes(count: number, overrides: Partial<NodeInfo> = {}): NodeInfo[] {
  return Array.from({ length: count }, (_, i) => mockNode({ id: `node-${String(i).padStart(4, '0')}`, ...overrides }));
}

describe('plan', () => {
  it('places every replica of a new deployment and says which position and time it is based on', () => {
    const harness = new SchedulingHarness({ position: 42, nodes: nodes(2), deployments: [mockDeployment({ spec: { replicas: 2 } })] });
    const result = harness.plan(1_700_000_000_000);
    expect(result.basedOn).toBe(42);
    expect(result.createdAt).toBe(1_700_000_000_000);
    expect(result.stops).toEqual([]);
    expect(result.unplaced).toEqual([]);
    expect(result.placements).toEqual([
      { allocId: 'alloc-42-default/web-0', nodeId: 'node-0000', namespace: 'default', deployment: 'web', version: 1, index: 0, resources: { cpu: 100, memory: 64 } },
      { allocId: 'alloc-42-default/web-1', nodeId: 'node-0000', namespace: 'default', deployment: 'web', version: 1, index: 1, resources: { cpu: 100, memory: 64 } },
    ]);
  });

  it('bin-packs onto the fullest node that fits, and spreads across nodes when asked', () => {
    const cluster = [mockNode({ id: 'a' }), mockNode({ id: 'b' }), mockNode({ id: 'c' })];
    const busy = mockDeployment({ name: 'busy' });
    const existing = allocationOf(busy, 'b', 0, { resources: { cpu: 2000, memory: 4096 } });
    const packed = plan(
      { position: 1, nodes: cluster, allocations: [existing], deployments: [busy, mockDeployment({ spec: { replicas: 3 } })] },
      { now: 0, newId: (key, index) => `${key}-${index}` },
    );
    expect(packed.placements.map((placement) => placement.nodeId)).toEqual(['b', 'b', 'b']);

    const spread = plan(
      { position: 1, nodes: cluster, allocations: [existing], deployments: [busy, mockDeployment({ spec: { replicas: 4, strategy: 'spread' } })] },
      { now: 0, newId: (key, index) => `${key}-${index}` },
    );
    expect(spread.placements.map((placement) => placement.nodeId)).toEqual(['a', 'c', 'b', 'a']);
  });

  it('explains replicas it cannot place, with counts per first failed check', () => {
    const cluster = [
      mockNode({ id: 'n1', labels: { rack: 'b' }, capacity: { cpu: 4000, memory: 1024 } }),
      mockNode({ id: 'n2', labels: { rack: 'b' }, capacity: { cpu: 4000, memory: 2048 } }),
      mockNode({ id: 'n3', labels: { rack: 'b' }, capacity: { cpu: 4000, memory: 3072 } }),
      mockNode({ id: 'n4', labels: { rack: 'a' } }),
      mockNode({ id: 'n5', labels: { rack: 'b' }, cordoned: true }),
    ];
    const web = mockDeployment({ spec: { replicas: 2, resources: { cpu: 100, memory: 4096 }, constraints: ['rack=b'] } });
    const result = plan({ position: 7, nodes: cluster, allocations: [], deployments: [web] }, { now: 0, newId: (key, index) => `${key}-${index}` });
    expect(result.placements).toEqual([]);
    expect(result.unplaced).toEqual([
      {
        namespace: 'default',
        deployment: 'web',
        version: 1,
        count: 2,
        reasons: [
          { check: 'insufficient memory', nodes: 3 },
          { check: 'constraint rack=b not met', nodes: 1 },
          { check: 'cordoned', nodes: 1 },
        ],
        summary: '3 nodes: insufficient memory; 1 node: constraint rack=b not met; 1 node: cordoned',
      },
    ]);
  });

  it('places what fits and reports the rest when the cluster fills up', () => {
    const harness = new SchedulingHarness({
      nodes: [mockNode({ capacity: { cpu: 1000, memory: 1024 } })],
      deployments: [mockDeployment({ spec: { replicas: 5, resources: { cpu: 300, memory: 64 } } })],
    });
    const result = harness.plan();
    expect(result.placements).toHaveLength(3);
    expect(result.unplaced.map(({ count, summary }) => ({ count, summary }))).toEqual([{ count: 2, summary: '1 node: insufficient cpu' }]);
  });

  it('converges: planning the applied plan again changes nothing', () => {
    const harness = new SchedulingHarness({ nodes: nodes(3), deployments: [mockDeployment({ spec: { replicas: 5 } })] });
    harness.step();
    const again = harness.plan();
    expect(again.placements).toEqual([]);
    expect(again.stops).toEqual([]);
  });

  it('replaces every allocation of an older version in the same slots', () => {
    const v1 = mockDeployment({ spec: { replicas: 2 } });
    const harness = new SchedulingHarness({ nodes: nodes(1), deployments: [v1], allocations: [allocationOf(v1, 'node-0000', 0), allocationOf(v1, 'node-0000', 1)] });
    harness.deployments = [mockDeployment({ version: 2, spec: { replicas: 2, image: 'plato/busybox:2' } })];
    const result = harness.step();
    expect(result.stops).toEqual([
      { allocId: 'default-web-v1-0', nodeId: 'node-0000', reason: 'outdated' },
      { allocId: 'default-web-v1-1', nodeId: 'node-0000', reason: 'outdated' },
    ]);
    expect(result.placements.map(({ version, index }) => ({ version, index }))).toEqual([
      { version: 2, index: 0 },
      { version: 2, index: 1 },
    ]);
    expect(harness.running('default', 'web').map((allocation) => allocation.version)).toEqual([2, 2]);
  });

  it('reuses the room freed by stops in the same plan', () => {
    const v1 = mockDeployment({ spec: { resources: { cpu: 1000, memory: 1024 } } });
    const v2 = mockDeployment({ version: 2, spec: { resources: { cpu: 1000, memory: 1024 }, image: 'plato/busybox:2' } });
    const result = plan(
      { position: 3, nodes: [mockNode({ capacity: { cpu: 1000, memory: 1024 } })], allocations: [allocationOf(v1, 'node-1', 0)], deployments: [v2] },
      { now: 0, newId: (key, index) => `${key}-v2-${index}` },
    );
    expect(result.stops.map((stop) => stop.reason)).toEqual(['outdated']);
    expect(result.placements.map((placement) => placement.nodeId)).toEqual(['node-1']);
  });

  it('replaces allocations of lost nodes without stopping them, keeps those of down nodes, and places on neither', () => {
    const web = mockDeployment({ spec: { replicas: 2 } });
    const cluster = [mockNode({ id: 'down', state: 'down' }), mockNode({ id: 'lost', state: 'lost' }), mockNode({ id: 'ok' })];
    const harness = new SchedulingHarness({ nodes: cluster, deployments: [web], allocations: [allocationOf(web, 'down', 0), allocationOf(web, 'lost', 1)] });
    const result = harness.plan();
    expect(result.stops).toEqual([]);
    expect(result.placements.map(({ nodeId, index }) => ({ nodeId, index }))).toEqual([{ nodeId: 'ok', index: 1 }]);
  });

  it('recovers a lost allocation on a node that came back with room for it, and does not place its slot again', () => {
    const web = mockDeployment({ spec: { replicas: 1 } });
    const harness = new SchedulingHarness({ nodes: [mockNode({ id: 'back' }), mockNode({ id: 'other' })], deployments: [web], allocations: [allocationOf(web, 'back', 0, { status: 'lost' })] });
    const result = harness.step();
    expect(result.recoveries).toEqual([{ allocId: 'default-web-v1-0', nodeId: 'back' }]);
    expect(result.placements).toEqual([]);
    expect(harness.plan()).toMatchObject({ recoveries: [], placements: [], stops: [] });
  });

  it('avoids for a deployment a node where its replicas keep failing, unless no other node fits', () => {
    const failures = [0, 1].map((i) => ({ allocId: `f${i}`, index: 0, nodeId: 'node-a', version: 1, at: 1_000 + i, cause: 'exit code 1' }));
    const web = mockDeployment({ spec: { replicas: 1, reschedule: { delay: 0, max_delay: 0 } }, failures });
    const both = new SchedulingHarness({ nodes: [mockNode({ id: 'node-a' }), mockNode({ id: 'node-b', capacity: { cpu: 1_000, memory: 512 } })], deployments: [web], allocations: [] });
    expect(both.plan(2_000).placements.map((placement) => placement.nodeId)).toEqual(['node-b']);
    const alone = new SchedulingHarness({ nodes: [mockNode({ id: 'node-a' })], deployments: [web], allocations: [] });
    expect(alone.plan(2_000).placements.map((placement) => placement.nodeId)).toEqual(['node-a']);
  });

  it('reports a crash-looping deployment degraded with its slots and last failure, and the first delayed slot', () => {
    const failures = [0, 1, 2].map((i) => ({ allocId: `f${i}`, index: 0, nodeId: 'node-1', version: 1, at: 1_000 * (i + 1), cause: 'exit code 3' }));
    const web = mockDeployment({ spec: { replicas: 1 }, failures });
    const result = new SchedulingHarness({ nodes: [mockNode()], deployments: [web], allocations: [] }).plan(3_500);
    expect(result.degraded).toEqual([
      { namespace: 'default', deployment: 'web', version: 1, failing: [0], givenUp: [], reason: 'slot 0 failed 3 times or more within 1h; last failure: exit code 3 on node node-1' },
    ]);
    expect(result.delayed).toEqual([{ namespace: 'default', deployment: 'web', version: 1, index: 0, until: 3_000 + 20_000 }]);
    expect(result.placements).toEqual([]);
    expect(result.unplaced).toEqual([]);
  });

  it('stops everything of a deleted deployment and of an unknown one, placing nothing', () => {
    const web = mockDeployment({ deleted: true, spec: { replicas: 2 } });
    const stray = mockAllocation({ id: 'stray', deployment: 'gone' });
    const harness = new SchedulingHarness({ nodes: nodes(1), deployments: [web], allocations: [allocationOf(web, 'node-0000', 0), stray] });
    const result = harness.plan();
    expect(result.placements).toEqual([]);
    expect(result.stops.map(({ allocId, reason }) => `${allocId}:${reason}`)).toEqual(['stray:orphaned', 'default-web-v1-0:deleted']);
  });

  it('rejects a newId that returns an id already in use', () => {
    const web = mockDeployment({ spec: { replicas: 2 } });
    expect(() => plan({ position: 1, nodes: nodes(1), allocations: [], deployments: [web] }, { now: 0, newId: () => 'same' })).toThrow(/already in use/);
  });

  it('plans 10k allocations on 1k nodes correctly (a size check, not a benchmark)', () => {
    const cluster = nodes(1000, { capacity: { cpu: 16000, memory: 32768 } });
    const deployments = Array.from({ length: 100 }, (_, i) =>
      mockDeployment({ name: `app-${i}`, spec: { replicas: 100, resources: { cpu: 500 + (i % 4) * 250, memory: 256 * (1 + (i % 3)) }, strategy: i % 2 ? 'spread' : 'binpack' } }),
    );
    const harness = new SchedulingHarness({ nodes: cluster, deployments });
    const result = harness.step();
    expect(result.placements).toHaveLength(10_000);
    expect(result.unplaced).toEqual([]);
    expect(new Set(result.placements.map((placement) => placement.allocId)).size).toBe(10_000);
    for (const node of cluster) {
      const used = harness.used(node.id);
      expect(used.cpu).toBeLessThanOrEqual(node.capacity.cpu);
      expect(used.memory).toBeLessThanOrEqual(node.capacity.memory);
    }
    expect(harness.plan().placements).toEqual([]);
  });
});
