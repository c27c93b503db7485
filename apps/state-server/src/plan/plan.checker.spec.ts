import { DeploymentSpec, type PlanPayload } from '@plato/contracts';
import { ClusterProjection } from '@plato/domain';
import { checkPlan, type AcceptedPlan } from './plan.checker.js';

const web = DeploymentSpec.parse({ name: 'web', image: 'plato/busybox:latest', replicas: 2, resources: { cpu: 400, memory: 256 } });
const facts = (nodeId: string, runtimes = ['docker']) => ({ nodeId, hostname: nodeId, capacity: { cpu: 1000, memory: 1024 }, labels: {}, runtimes });

function cluster(events: [string, string, unknown][]): ClusterProjection {
  const projection = new ClusterProjection();
  events.forEach(([stream, type, data], i) => projection.apply({ stream, type, data, position: i + 1, created: new Date(0) }));
  return projection;
}

const base: [string, string, unknown][] = [
  ['deployment.default.web', 'DeploymentSpecApplied', { version: 1, spec: web }],
  ['node.n1', 'NodeRegistered', facts('n1')],
  ['node.n2', 'NodeRegistered', facts('n2')],
];

const placement = (allocId: string, nodeId: string, index: number, version = 1) => ({
  allocId,
  nodeId,
  namespace: 'default',
  deployment: 'web',
  version,
  index,
  resources: { cpu: 400, memory: 256 },
});
const placed = (allocId: string, nodeId: string, index: number) => {
  const { resources: _resources, ...rest } = placement(allocId, nodeId, index);
  return { ...rest, spec: web, basedOn: 1 };
};
const plan = (input: Partial<PlanPayload>): PlanPayload => ({ basedOn: 3, createdAt: 0, placements: [], stops: [], unplaced: [], recoveries: [], degraded: [], rollouts: [], ...input });
const unplaced = (count: number, summary = '2 nodes: insufficient memory') => ({
  namespace: 'default',
  deployment: 'web',
  version: 1,
  count,
  reasons: [{ check: 'insufficient memory', nodes: 2 }],
  summary,
});

describe('checkPlan', () => {
  it('accepts placements that fit, carrying the current spec and the plan position', () => {
    const check = checkPlan(cluster(base), plan({ placements: [placement('a1', 'n1', 0), placement('a2', 'n2', 1)] }));
    expect(check).toEqual({ ok: true, placements: [{ ...placed('a1', 'n1', 0), basedOn: 3 }, { ...placed('a2', 'n2', 1), basedOn: 3 }], stops: [], recoveries: [], blocks: [], unblocks: [], degrades: [], restores: [], rolloutEnds: [] });
  });

  it('counts earlier placements of the plan against a node and names the node that lacks room', () => {
    const view = cluster([...base, ['deployment.default.web', 'DeploymentScaled', { from: 2, to: 3 }]]);
    const check = checkPlan(view, plan({ placements: [placement('a1', 'n1', 0), placement('a2', 'n1', 1), placement('a3', 'n1', 2)] }));
    expect(check).toEqual({ ok: false, reasons: [{ nodeId: 'n1', deployment: 'default/web', reason: expect.stringContaining('node n1 lacks room') }] });
  });

  it('counts what is allocated already, and frees what the plan stops first', () => {
    const view = cluster([
      ...base,
      ['alloc.n1.old', 'AllocationPlaced', { ...placed('old', 'n1', 0), spec: { ...web, resources: { cpu: 700, memory: 256 } } }],
    ]);
    expect(checkPlan(view, plan({ placements: [placement('a1', 'n1', 0)] })).ok).toBe(false);
    expect(checkPlan(view, plan({ placements: [placement('a1', 'n1', 0)], stops: [{ allocId: 'old', nodeId: 'n1', reason: 'outdated' }] })).ok).toBe(true);
  });

  it('refuses nodes that are unknown, lost, cordoned or lack the runtime, naming each', () => {
    const view = cluster([
      ...base,
      ['deployment.default.web', 'DeploymentScaled', { from: 2, to: 4 }],
      ['node.n1', 'NodeCordoned', {}],
      ['node.n2', 'NodeLost', { lastSeen: new Date(0).toISOString(), timeoutMs: 3000 }],
      ['node.n3', 'NodeRegistered', facts('n3', ['lxd'])],
    ]);
    const check = checkPlan(view, plan({ placements: [placement('a1', 'n1', 0), placement('a2', 'n2', 1), placement('a3', 'n3', 2), placement('a4', 'n9', 3)] }));
    expect(check.ok).toBe(false);
    expect(check.ok ? [] : check.reasons.map((r) => [r.nodeId, r.reason])).toEqual([
      ['n1', 'node n1 is cordoned'],
      ['n2', 'node n2 is lost'],
      ['n3', 'node n3 lacks runtime docker'],
      ['n9', 'node n9 is not registered'],
    ]);
  });

  it('refuses placements of a deleted, unknown or outdated deployment version', () => {
    const view = cluster([...base, ['deployment.default.web', 'DeploymentSpecApplied', { version: 2, spec: { ...web, image: 'plato/busybox:2' } }]]);
    const stale = checkPlan(view, plan({ placements: [placement('a1', 'n1', 0, 1)] }));
    expect(stale).toEqual({ ok: false, reasons: [{ nodeId: 'n1', deployment: 'default/web', reason: 'version 1 of default/web is not its current version 2' }] });
    const unknown = checkPlan(view, plan({ placements: [{ ...placement('a1', 'n1', 0), deployment: 'api' }] }));
    expect(unknown).toMatchObject({ ok: false, reasons: [{ deployment: 'default/api', reason: 'deployment default/api is unknown' }] });
    const deleted = cluster([...base, ['deployment.default.web', 'DeploymentDeleted', { version: 1 }]]);
    expect(checkPlan(deleted, plan({ placements: [placement('a1', 'n1', 0)] }))).toMatchObject({ ok: false, reasons: [{ reason: 'deployment default/web is deleted' }] });
  });

  it('refuses a plan that would run more live allocations than replicas, counting its own stops', () => {
    const view = cluster([...base, ['alloc.n1.a1', 'AllocationPlaced', placed('a1', 'n1', 0)], ['alloc.n2.a2', 'AllocationPlaced', placed('a2', 'n2', 1)]]);
    const twice = checkPlan(view, plan({ placements: [placement('b1', 'n1', 0)] }));
    expect(twice).toEqual({ ok: false, reasons: [{ deployment: 'default/web', reason: expect.stringContaining('would run 3 live allocations of version 1') }] });
    const replaced = checkPlan(view, plan({ placements: [placement('b1', 'n1', 0)], stops: [{ allocId: 'a1', nodeId: 'n1', reason: 'duplicate' }] }));
    expect(replaced.ok).toBe(true);
  });

  it('does not count ended or stopped allocations as live', () => {
    const view = cluster([
      ...base,
      ['alloc.n1.a1', 'AllocationPlaced', placed('a1', 'n1', 0)],
      ['alloc.n1.a1', 'AllocationFailed', { reason: 'no such image' }],
      ['alloc.n2.a2', 'AllocationPlaced', placed('a2', 'n2', 1)],
      ['alloc.n2.a2', 'AllocationStopRequested', { reason: 'scaled-down' }],
    ]);
    expect(checkPlan(view, plan({ placements: [placement('b1', 'n1', 0), placement('b2', 'n2', 1)] })).ok).toBe(true);
  });

  it('accepts a retried plan whose placements are already in the log, and refuses a reused allocation id', () => {
    const view = cluster([...base, ['alloc.n1.a1', 'AllocationPlaced', placed('a1', 'n1', 0)]]);
    const retried = checkPlan(view, plan({ placements: [placement('a1', 'n1', 0), placement('a2', 'n2', 1)] })) as AcceptedPlan;
    expect(retried.ok).toBe(true);
    expect(retried.placements.map((p) => p.allocId)).toEqual(['a1', 'a2']);
    expect(checkPlan(view, plan({ placements: [placement('a1', 'n2', 1)] }))).toMatchObject({ ok: false, reasons: [{ reason: 'allocation id a1 is already used' }] });
  });

  it('refuses a stop of an allocation that is not on the named node', () => {
    const view = cluster([...base, ['alloc.n1.a1', 'AllocationPlaced', placed('a1', 'n1', 0)]]);
    expect(checkPlan(view, plan({ stops: [{ allocId: 'a1', nodeId: 'n2', reason: 'duplicate' }] }))).toMatchObject({ ok: false, reasons: [{ nodeId: 'n2' }] });
    expect(checkPlan(view, plan({ stops: [{ allocId: 'a1', nodeId: 'n1', reason: 'duplicate' }] }))).toMatchObject({ ok: true, stops: [{ allocId: 'a1', nodeId: 'n1' }] });
  });

  it('writes a blockage only when it differs from the current one', () => {
    const first = checkPlan(cluster(base), plan({ unplaced: [unplaced(2)] }));
    expect(first).toMatchObject({ ok: true, blocks: [{ namespace: 'default', name: 'web', version: 1, missing: 2, summary: '2 nodes: insufficient memory' }] });
    const blocked = cluster([...base, ['deployment.default.web', 'DeploymentPlacementBlocked', { version: 1, missing: 2, reasons: [{ check: 'insufficient memory', nodes: 2 }], summary: '2 nodes: insufficient memory' }]]);
    expect(checkPlan(blocked, plan({ unplaced: [unplaced(2)] }))).toMatchObject({ ok: true, blocks: [], unblocks: [] });
    expect(checkPlan(blocked, plan({ unplaced: [unplaced(1)] }))).toMatchObject({ ok: true, blocks: [{ missing: 1 }] });
    expect(checkPlan(blocked, plan({ unplaced: [{ ...unplaced(2), version: 7 }] }))).toMatchObject({ ok: true, blocks: [] });
  });

  it('unblocks a blocked deployment the plan places without leaving any unplaced, or that runs all its replicas', () => {
    const blockage = { version: 1, missing: 2, reasons: [{ check: 'insufficient memory', nodes: 2 }], summary: '2 nodes: insufficient memory' };
    const blocked = cluster([...base, ['deployment.default.web', 'DeploymentPlacementBlocked', blockage]]);
    expect(checkPlan(blocked, plan({ placements: [placement('a1', 'n1', 0)] }))).toMatchObject({ ok: true, unblocks: [{ namespace: 'default', name: 'web', version: 1 }] });
    expect(checkPlan(blocked, plan({}))).toMatchObject({ ok: true, unblocks: [] });
    const scaledDown = cluster([...base, ['deployment.default.web', 'DeploymentPlacementBlocked', blockage], ['deployment.default.web', 'DeploymentScaled', { from: 2, to: 0 }]]);
    expect(checkPlan(scaledDown, plan({}))).toMatchObject({ ok: true, unblocks: [{ name: 'web' }] });
  });

  it('recovers a lost allocation on its node that came back, counting it among the replicas, and refuses one on a lost node', () => {
    const lost = [...base, ['alloc.n1.a1', 'AllocationPlaced', placed('a1', 'n1', 0)], ['alloc.n1.a1', 'AllocationLost', { nodeId: 'n1' }]] as [string, string, unknown][];
    expect(checkPlan(cluster(lost), plan({ recoveries: [{ allocId: 'a1', nodeId: 'n1' }] }))).toMatchObject({ ok: true, recoveries: [{ allocId: 'a1', nodeId: 'n1' }] });
    const tooMany = plan({ recoveries: [{ allocId: 'a1', nodeId: 'n1' }], placements: [placement('a2', 'n2', 1), placement('a3', 'n2', 2)] });
    expect(checkPlan(cluster(lost), tooMany)).toMatchObject({ ok: false, reasons: [{ deployment: 'default/web', reason: expect.stringContaining('would run 3 live allocations') }] });
    const stillLost = cluster([...lost, ['node.n1', 'NodeLost', { lastSeen: new Date(0).toISOString(), timeoutMs: 3000 }]]);
    expect(checkPlan(stillLost, plan({ recoveries: [{ allocId: 'a1', nodeId: 'n1' }] }))).toMatchObject({ ok: false, reasons: [{ nodeId: 'n1', reason: 'node n1 of allocation a1 to recover is lost' }] });
    const running = cluster([...base, ['alloc.n1.a1', 'AllocationPlaced', placed('a1', 'n1', 0)]]);
    expect(checkPlan(running, plan({ recoveries: [{ allocId: 'a1', nodeId: 'n1' }] }))).toMatchObject({ ok: false, reasons: [{ reason: expect.stringContaining('is pending and desired run, not lost') }] });
  });

  it('writes a degraded state when its reason changes and restores a degraded deployment the plan no longer lists', () => {
    const entry = { namespace: 'default', deployment: 'web', version: 1, reason: 'slot 0 failed 3 times or more within 1h; last failure: exit code 3 on node n1', failing: [0], givenUp: [] };
    expect(checkPlan(cluster(base), plan({ degraded: [entry] }))).toMatchObject({ ok: true, degrades: [{ name: 'web', version: 1, reason: entry.reason, failing: [0] }], restores: [] });
    const degraded = cluster([...base, ['deployment.default.web', 'DeploymentDegraded', { version: 1, reason: entry.reason, failing: [0], givenUp: [] }]]);
    expect(checkPlan(degraded, plan({ degraded: [entry] }))).toMatchObject({ ok: true, degrades: [], restores: [] });
    expect(checkPlan(degraded, plan({ degraded: [{ ...entry, reason: 'slots 0, 1 failed 3 times or more within 1h' }] }))).toMatchObject({ ok: true, degrades: [{ reason: 'slots 0, 1 failed 3 times or more within 1h' }] });
    expect(checkPlan(degraded, plan({}))).toMatchObject({ ok: true, degrades: [], restores: [{ namespace: 'default', name: 'web', version: 1 }] });
  });
});
