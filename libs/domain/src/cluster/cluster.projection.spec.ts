import { DeploymentSpec } from '@plato/contracts';
import { ClusterProjection } from './cluster.projection.js';

const spec = DeploymentSpec.parse({ name: 'web', image: 'plato/busybox:latest', replicas: 2, resources: { cpu: 250, memory: 128 } });

function feed(projection: ClusterProjection, events: [string, string, unknown][]): void {
  let position = projection.position;
  for (const [stream, type, data] of events) projection.apply({ stream, type, data, position: ++position, created: new Date(position * 1000) });
}

describe('ClusterProjection', () => {
  const nodeFacts = (nodeId: string) => ({ nodeId, hostname: nodeId, capacity: { cpu: 1000, memory: 1024 }, labels: {}, runtimes: ['docker'] });
  const placed = (allocId: string, nodeId: string, index: number) => ({
    allocId,
    nodeId,
    namespace: 'default',
    deployment: 'web',
    version: 1,
    index,
    spec,
    basedOn: 1,
  });

  it('folds deployments, nodes and allocations into views, snapshots and capacity', () => {
    const p = new ClusterProjection();
    feed(p, [
      ['deployment.default.web', 'DeploymentSpecApplied', { version: 1, spec }],
      ['node.n1', 'NodeRegistered', nodeFacts('n1')],
      ['node.n2', 'NodeRegistered', nodeFacts('n2')],
      ['alloc.n1.a1', 'AllocationPlaced', placed('a1', 'n1', 0)],
      ['alloc.n2.a2', 'AllocationPlaced', placed('a2', 'n2', 1)],
      ['alloc.n1.a1', 'AllocationStarted', { containerId: 'c1', ports: [] }],
      ['node.n2', 'NodeCordoned', {}],
    ]);
    expect(p.allocated('n1')).toEqual({ cpu: 250, memory: 128 });
    expect(p.node('n2')).toMatchObject({ cordoned: true, allocations: 1, allocated: { cpu: 250, memory: 128 } });
    expect(p.allocationList({ namespace: 'default', deployment: 'web' }).map((a) => [a.allocId, a.status])).toEqual([
      ['a1', 'running'],
      ['a2', 'pending'],
    ]);
    const snap = p.snapshot();
    expect(snap.position).toBe(7);
    expect(snap.nodes.map((n) => [n.id, n.cordoned])).toEqual([
      ['n1', false],
      ['n2', true],
    ]);
    expect(snap.allocations).toHaveLength(2);
    expect(snap.deployments).toEqual([expect.objectContaining({ name: 'web', version: 1, deleted: false })]);
  });

  it('frees resources of stopped allocations and leaves them out of the snapshot, but keeps them in describe', () => {
    const p = new ClusterProjection();
    feed(p, [
      ['deployment.default.web', 'DeploymentSpecApplied', { version: 1, spec }],
      ['node.n1', 'NodeRegistered', nodeFacts('n1')],
      ['alloc.n1.a1', 'AllocationPlaced', placed('a1', 'n1', 0)],
      ['alloc.n1.a1', 'AllocationStopRequested', { reason: 'scaled-down' }],
      ['alloc.n1.a1', 'AllocationStopped', {}],
    ]);
    expect(p.allocated('n1')).toEqual({ cpu: 0, memory: 0 });
    expect(p.snapshot().allocations).toEqual([]);
    expect(p.describe('default', 'web')?.allocations.map((a) => [a.allocId, a.status, a.stopReason])).toEqual([['a1', 'complete', 'scaled-down']]);
  });

  it('shows the health verdict of the running container with when and why, and forgets it when the container changes', () => {
    const p = new ClusterProjection();
    feed(p, [
      ['deployment.default.web', 'DeploymentSpecApplied', { version: 1, spec }],
      ['node.n1', 'NodeRegistered', nodeFacts('n1')],
      ['alloc.n1.a1', 'AllocationPlaced', placed('a1', 'n1', 0)],
      ['alloc.n1.a1', 'AllocationStarted', { containerId: 'c1', ports: [] }],
    ]);
    const view = () => p.allocationList({ nodeId: 'n1' })[0]!;
    expect(view().health).toBeUndefined();
    feed(p, [['alloc.n1.a1', 'AllocationHealthy', {}]]);
    expect(view().health).toEqual({ status: 'healthy', since: new Date(5000).toISOString() });
    feed(p, [['alloc.n1.a1', 'AllocationUnhealthy', { reason: 'GET / on 127.0.0.1:3000: connection refused' }]]);
    expect(view().health).toEqual({ status: 'unhealthy', reason: 'GET / on 127.0.0.1:3000: connection refused', since: new Date(6000).toISOString() });
    feed(p, [['alloc.n1.a1', 'AllocationExited', { exitCode: 137, willRestart: true }]]);
    expect(view()).toMatchObject({ status: 'pending', exitCode: 137 });
    expect(view().health).toBeUndefined();
  });

  it('counts restarts and shows the announced wait; an allocation that used up its restart attempts is a failure of its slot, with the reason', () => {
    const p = new ClusterProjection();
    const reason = 'exit code 3; restart attempts used up (1 within 30m)';
    feed(p, [
      ['deployment.default.web', 'DeploymentSpecApplied', { version: 1, spec }],
      ['node.n1', 'NodeRegistered', nodeFacts('n1')],
      ['alloc.n1.a1', 'AllocationPlaced', placed('a1', 'n1', 0)],
      ['alloc.n1.a1', 'AllocationStarted', { containerId: 'c1', ports: [] }],
      ['alloc.n1.a1', 'AllocationExited', { exitCode: 3, willRestart: true, attempt: 1, delayMs: 1_000 }],
    ]);
    const view = () => p.allocationList({ nodeId: 'n1', includeTerminal: true })[0]!;
    expect(view()).toMatchObject({ status: 'pending', exitCode: 3, restarts: 1, restartDelayMs: 1_000, state: { reason: 'exit code 3, restarting after 1s (attempt 1)' } });
    feed(p, [['alloc.n1.a1', 'AllocationStarted', { containerId: 'c1', ports: [] }]]);
    expect(view()).toMatchObject({ status: 'running', restarts: 1 });
    expect(view().restartDelayMs).toBeUndefined();
    feed(p, [['alloc.n1.a1', 'AllocationFailed', { reason }]]);
    expect(view()).toMatchObject({ status: 'failed', failure: reason, restarts: 1 });
    expect(p.snapshot().deployments[0]?.failures).toEqual([{ allocId: 'a1', index: 0, nodeId: 'n1', version: 1, at: 7_000, cause: reason }]);
  });

  it('shows the phase with since when it began, which a late health verdict or a stop request does not move', () => {
    const p = new ClusterProjection();
    feed(p, [
      ['node.n1', 'NodeRegistered', nodeFacts('n1')],
      ['alloc.n1.a1', 'AllocationPlaced', placed('a1', 'n1', 0)],
      ['alloc.n1.a1', 'AllocationStartBegan', { containerId: 'c1' }],
    ]);
    const at = (seconds: number) => new Date(seconds * 1000).toISOString();
    expect(p.allocationView('a1')).toMatchObject({ status: 'pending', state: { phase: 'starting', since: at(3), reason: 'container c1' } });
    feed(p, [
      ['alloc.n1.a1', 'AllocationStarted', { containerId: 'c1', ports: [] }],
      ['alloc.n1.a1', 'AllocationStopRequested', { reason: 'deleted' }],
    ]);
    expect(p.allocationView('a1')?.state).toEqual({ phase: 'running', since: at(4), reason: 'container c1' });
    feed(p, [
      ['alloc.n1.a1', 'AllocationStopBegan', { containerId: 'c1' }],
      ['alloc.n1.a1', 'AllocationHealthy', {}],
    ]);
    expect(p.allocationView('a1')).toMatchObject({ status: 'running', state: { phase: 'stopping', since: at(6), reason: 'stop requested: deleted' } });
    feed(p, [['alloc.n1.a1', 'AllocationExited', { exitCode: 143, willRestart: false }]]);
    expect(p.allocationView('a1')?.state).toEqual({ phase: 'exited', since: at(8), reason: 'exit code 143', exitCode: 143 });
    expect(p.allocationView('a2')).toBeUndefined();
  });

  it('shows why a deployment is blocked until it is unblocked', () => {
    const p = new ClusterProjection();
    feed(p, [
      ['deployment.default.web', 'DeploymentSpecApplied', { version: 1, spec }],
      [
        'deployment.default.web',
        'DeploymentPlacementBlocked',
        { version: 1, missing: 2, reasons: [{ check: 'insufficient memory', nodes: 3 }], summary: '3 nodes: insufficient memory' },
      ],
    ]);
    expect(p.describe('default', 'web')?.placement).toEqual({
      blocked: true,
      missing: 2,
      summary: '3 nodes: insufficient memory',
      reasons: [{ check: 'insufficient memory', nodes: 3 }],
    });
    feed(p, [['deployment.default.web', 'DeploymentPlacementUnblocked', { version: 1 }]]);
    expect(p.describe('default', 'web')?.placement.blocked).toBe(false);
  });

  it('lists a lost node and its live allocations', () => {
    const p = new ClusterProjection();
    feed(p, [
      ['node.n1', 'NodeRegistered', nodeFacts('n1')],
      ['alloc.n1.a1', 'AllocationPlaced', placed('a1', 'n1', 0)],
      ['node.n1', 'NodeLost', { lastSeen: '2026-11-22T00:00:00.000Z', timeoutMs: 3000 }],
    ]);
    expect(p.node('n1')?.state).toBe('lost');
    expect(p.liveAllocationsOn('n1')).toEqual(['a1']);
    feed(p, [['alloc.n1.a1', 'AllocationLost', { nodeId: 'n1' }]]);
    expect(p.liveAllocationsOn('n1')).toEqual([]);
  });
});
