import {
  ApplyDeployment,
  CordonNode,
  DescribeAllocation,
  DescribeDeployment,
  ErrorCode,
  GetNode,
  ListAllocations,
  ListNodes,
  RegisterNode,
  ReportAllocation,
  StreamHistory,
  SubmitPlan,
  GetDeployment,
  UncordonNode,
  type DeploymentSpecInput,
  type PlanPayload,
} from '@plato/contracts';
import { request } from '@plato/messaging';
import { StateServerConfig } from '../src/index.js';
import { StateServerHarness, commandId, errorOf, nodeRegistration } from './state-server.harness.js';

const spec = (name: string, input: Partial<DeploymentSpecInput> = {}): DeploymentSpecInput => ({
  name,
  image: 'plato/busybox:latest',
  resources: { cpu: 400, memory: 256 },
  ...input,
});

describe('state-server as the scheduler and agents drive it (real nats-server, JetStream)', () => {
  let h: StateServerHarness;

  beforeAll(async () => {
    h = await StateServerHarness.start(new StateServerConfig(60_000));
  });

  afterAll(async () => {
    await h?.stop();
  });

  const history = async (stream: string) => (await request(h.client, StreamHistory, { stream })).events;
  const apply = async (input: DeploymentSpecInput) => request(h.client, ApplyDeployment, { commandId: commandId(), spec: input });
  const submit = (plan: Partial<PlanPayload>, id = commandId()) =>
    request(h.client, SubmitPlan, { commandId: id, plan: { basedOn: 0, createdAt: Date.now(), placements: [], stops: [], unplaced: [], ...plan } });
  const placement = (allocId: string, nodeId: string, deployment: string, index: number, version = 1) => ({
    allocId,
    nodeId,
    namespace: 'default',
    deployment,
    version,
    index,
    resources: { cpu: 400, memory: 256 },
  });

  it('registers, cordons and uncordons a node idempotently, and answers NOT_FOUND for an unknown one', async () => {
    const registration = nodeRegistration('node-a', { labels: { rack: 'a' } });
    const first = await request(h.client, RegisterNode, registration);
    expect(first.events).toEqual([{ type: 'NodeRegistered', position: first.revision }]);
    await expect(request(h.client, RegisterNode, registration)).resolves.toEqual(first);
    await expect(request(h.client, RegisterNode, { ...registration, commandId: commandId() })).resolves.toMatchObject({ events: [] });

    const cordoned = await request(h.client, CordonNode, { commandId: commandId(), nodeId: 'node-a' });
    expect(cordoned.events.map((e) => e.type)).toEqual(['NodeCordoned']);
    await expect(request(h.client, CordonNode, { commandId: commandId(), nodeId: 'node-a' })).resolves.toMatchObject({ events: [] });
    await expect(request(h.client, GetNode, { nodeId: 'node-a' })).resolves.toMatchObject({ state: 'ready', cordoned: true, labels: { rack: 'a' } });

    await request(h.client, UncordonNode, { commandId: commandId(), nodeId: 'node-a' });
    await expect(request(h.client, UncordonNode, { commandId: commandId(), nodeId: 'node-a' })).resolves.toMatchObject({ events: [] });
    expect((await history('node.node-a')).map((e) => e.type)).toEqual(['NodeRegistered', 'NodeCordoned', 'NodeUncordoned']);
    expect((await request(h.client, ListNodes, {})).items.map((n) => [n.nodeId, n.cordoned])).toContainEqual(['node-a', false]);

    for (const contract of [CordonNode, UncordonNode]) {
      await expect(request(h.client, contract, { commandId: commandId(), nodeId: 'ghost' })).rejects.toMatchObject({ code: ErrorCode.NotFound, details: { kind: 'node', nodeId: 'ghost' } });
    }
    await expect(request(h.client, GetNode, { nodeId: 'ghost' })).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });

  it('applies a plan: allocations placed on their nodes with the full spec, counted on the node', async () => {
    await request(h.client, RegisterNode, nodeRegistration('node-b'));
    const applied = await apply(spec('web', { replicas: 2, env: { MODE: 'prod' } }));
    const reply = await submit({ basedOn: applied.revision, placements: [placement('web-0', 'node-b', 'web', 0), placement('web-1', 'node-b', 'web', 1)] });
    expect(reply).toEqual({ placed: 2, stopped: 0, position: expect.any(Number) });

    const [event] = await history('alloc.node-b.web-0');
    expect(event).toMatchObject({
      type: 'AllocationPlaced',
      position: expect.any(Number),
      data: { allocId: 'web-0', nodeId: 'node-b', deployment: 'web', version: 1, index: 0, basedOn: applied.revision, spec: expect.objectContaining({ env: { MODE: 'prod' }, replicas: 2 }) },
    });
    const allocations = (await request(h.client, ListAllocations, { namespace: 'default', deployment: 'web' })).items;
    expect(allocations.map((a) => [a.allocId, a.nodeId, a.status, a.desired])).toEqual([
      ['web-0', 'node-b', 'pending', 'run'],
      ['web-1', 'node-b', 'pending', 'run'],
    ]);
    await expect(request(h.client, GetNode, { nodeId: 'node-b' })).resolves.toMatchObject({ allocated: { cpu: 800, memory: 512 }, allocations: 2 });
  });

  it('answers a retried plan (same command id) with the same reply and writes nothing more', async () => {
    await request(h.client, RegisterNode, nodeRegistration('node-r'));
    await apply(spec('retry', { replicas: 1 }));
    const id = commandId();
    const plan = { placements: [placement('retry-0', 'node-r', 'retry', 0)] };
    const first = await submit(plan, id);
    const before = await h.store.lastPosition();
    await expect(submit(plan, id)).resolves.toEqual(first);
    expect(await h.store.lastPosition()).toBe(before);
  });

  it('refuses a plan over capacity with CONFLICT naming the node, and writes nothing', async () => {
    await request(h.client, RegisterNode, nodeRegistration('node-c'));
    await apply(spec('big', { replicas: 3 }));
    const before = await h.store.lastPosition();
    const refused = await errorOf(submit({ placements: [0, 1, 2].map((i) => placement(`big-${i}`, 'node-c', 'big', i)) }));
    expect(refused).toMatchObject({ code: ErrorCode.Conflict, details: { reasons: [{ nodeId: 'node-c', deployment: 'default/big', reason: expect.stringContaining('lacks room') }] } });
    expect(await h.store.lastPosition()).toBe(before);
  });

  it('refuses a plan placing on a cordoned node', async () => {
    await request(h.client, RegisterNode, nodeRegistration('node-d'));
    await request(h.client, CordonNode, { commandId: commandId(), nodeId: 'node-d' });
    await apply(spec('fenced'));
    const refused = await errorOf(submit({ placements: [placement('fenced-0', 'node-d', 'fenced', 0)] }));
    expect(refused).toMatchObject({ code: ErrorCode.Conflict, details: { reasons: [{ nodeId: 'node-d', reason: 'node node-d is cordoned' }] } });
  });

  it('accepts exactly one of two plans placing the same replicas from the same snapshot', async () => {
    await request(h.client, RegisterNode, nodeRegistration('node-e'));
    await request(h.client, RegisterNode, nodeRegistration('node-f'));
    const applied = await apply(spec('race', { replicas: 2, resources: { cpu: 100, memory: 64 } }));
    const small = (allocId: string, nodeId: string, index: number) => ({ ...placement(allocId, nodeId, 'race', index), resources: { cpu: 100, memory: 64 } });
    const outcomes = await Promise.allSettled([
      submit({ basedOn: applied.revision, placements: [small('race-a0', 'node-e', 0), small('race-a1', 'node-f', 1)] }),
      submit({ basedOn: applied.revision, placements: [small('race-b0', 'node-f', 0), small('race-b1', 'node-e', 1)] }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const [rejected] = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(rejected?.reason).toMatchObject({ code: ErrorCode.Conflict, details: { reasons: [{ deployment: 'default/race' }] } });
    const live = (await request(h.client, ListAllocations, { namespace: 'default', deployment: 'race' })).items;
    expect(live).toHaveLength(2);
  });

  it('shows a blocked deployment in its description with counts, and unblocks it once placed', async () => {
    await request(h.client, RegisterNode, nodeRegistration('node-g'));
    await apply(spec('stuck', { replicas: 2, resources: { cpu: 100, memory: 64 } }));
    const unplaced = { namespace: 'default', deployment: 'stuck', version: 1, count: 2, reasons: [{ check: 'insufficient memory', nodes: 3 }], summary: '3 nodes: insufficient memory' };
    await submit({ unplaced: [unplaced] });
    await expect(request(h.client, DescribeDeployment, { name: 'stuck' })).resolves.toMatchObject({
      placement: { blocked: true, missing: 2, summary: '3 nodes: insufficient memory', reasons: [{ check: 'insufficient memory', nodes: 3 }] },
      allocations: [],
    });
    await submit({ unplaced: [unplaced] });
    await submit({ placements: [{ ...placement('stuck-0', 'node-g', 'stuck', 0), resources: { cpu: 100, memory: 64 } }], unplaced: [{ ...unplaced, count: 1, summary: '3 nodes: insufficient cpu' }] });
    await expect(request(h.client, DescribeDeployment, { name: 'stuck' })).resolves.toMatchObject({ placement: { blocked: true, missing: 1 } });
    await submit({ placements: [{ ...placement('stuck-1', 'node-g', 'stuck', 1), resources: { cpu: 100, memory: 64 } }] });
    const described = await request(h.client, DescribeDeployment, { name: 'stuck' });
    expect(described.placement).toEqual({ blocked: false, missing: 0, summary: '', reasons: [] });
    expect(described.allocations.map((a) => a.allocId)).toEqual(['stuck-0', 'stuck-1']);
    expect((await history('deployment.default.stuck')).map((e) => e.type)).toEqual([
      'DeploymentSpecApplied',
      'DeploymentPlacementBlocked',
      'DeploymentPlacementBlocked',
      'DeploymentPlacementUnblocked',
    ]);
  });

  it('lets one of two concurrent applies of different versions win and refuses the other, while placement events do not count as changes', async () => {
    await apply(spec('contested', { replicas: 1 }));
    const unplaced = { namespace: 'default', deployment: 'contested', version: 1, count: 1, reasons: [{ check: 'cordoned', nodes: 1 }], summary: '1 node: cordoned' };
    await submit({ unplaced: [unplaced] });
    const seen = await request(h.client, GetDeployment, { name: 'contested' });
    const outcomes = await Promise.allSettled(
      ['plato/busybox:v2', 'plato/busybox:v3'].map((image) =>
        request(h.client, ApplyDeployment, { commandId: commandId(), spec: spec('contested', { replicas: 1, image }), ifRevision: seen.revision }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const [refused] = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused?.reason).toMatchObject({ code: ErrorCode.WrongExpectedRevision, details: { stream: 'deployment.default.contested', expected: seen.revision } });
    const applied = (await history('deployment.default.contested')).filter((e) => e.type === 'DeploymentSpecApplied');
    expect(applied).toHaveLength(2);
    expect(['plato/busybox:v2', 'plato/busybox:v3']).toContain((applied[1]!.data as { spec: { image: string } }).spec.image);
  });

  it('records what agents report of their allocations, and refuses a report from another node', async () => {
    await request(h.client, RegisterNode, nodeRegistration('node-h'));
    await request(h.client, RegisterNode, nodeRegistration('node-i'));
    await apply(spec('jobs', { replicas: 4, resources: { cpu: 100, memory: 64 } }));
    await submit({ placements: [0, 1, 2, 3].map((i) => ({ ...placement(`jobs-${i}`, 'node-h', 'jobs', i), resources: { cpu: 100, memory: 64 } })) });
    const report = (allocId: string, value: Parameters<typeof request<typeof ReportAllocation>>[2]['report'], nodeId = 'node-h') =>
      request(h.client, ReportAllocation, { commandId: commandId(), nodeId, allocId, report: value });

    const started = { kind: 'started' as const, containerId: 'c0', ports: [{ container: 80, host: 18080, hostIp: '127.0.0.1', protocol: 'tcp' as const }] };
    await report('jobs-0', started);
    await expect(report('jobs-0', started)).resolves.toMatchObject({ events: [] });
    await report('jobs-1', { kind: 'started', containerId: 'c1' });
    await report('jobs-1', { kind: 'exited', exitCode: 0, willRestart: false });
    await report('jobs-2', { kind: 'failed', reason: 'no such image' });
    await report('jobs-3', { kind: 'stopped' });

    const all = (await request(h.client, ListAllocations, { nodeId: 'node-h', includeTerminal: true })).items.filter((a) => a.deployment === 'jobs');
    expect(all.map((a) => [a.allocId, a.status, a.containerId, a.exitCode, a.failure])).toEqual([
      ['jobs-0', 'running', 'c0', undefined, undefined],
      ['jobs-1', 'complete', 'c1', 0, undefined],
      ['jobs-2', 'failed', undefined, undefined, 'no such image'],
      ['jobs-3', 'complete', undefined, undefined, undefined],
    ]);
    expect(all[0]?.ports).toEqual(started.ports);
    expect((await request(h.client, ListAllocations, { nodeId: 'node-h' })).items.map((a) => a.allocId)).toEqual(['jobs-0']);

    await expect(report('jobs-0', { kind: 'stopped' }, 'node-i')).rejects.toMatchObject({ code: ErrorCode.Conflict, details: { allocId: 'jobs-0', nodeId: 'node-i', actualNodeId: 'node-h' } });
    await expect(report('nope', { kind: 'stopped' })).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });

  it("describes an allocation with the timeline of the agent's steps, each written once, by id or node and id", async () => {
    await request(h.client, RegisterNode, nodeRegistration('node-j'));
    await apply(spec('steps', { resources: { cpu: 100, memory: 64 } }));
    await submit({ placements: [{ ...placement('steps-0', 'node-j', 'steps', 0), resources: { cpu: 100, memory: 64 } }] });
    const report = (value: Parameters<typeof request<typeof ReportAllocation>>[2]['report']) =>
      request(h.client, ReportAllocation, { commandId: commandId(), nodeId: 'node-j', allocId: 'steps-0', report: value });

    await report({ kind: 'starting', containerId: 'c9' });
    await expect(report({ kind: 'starting', containerId: 'c9' })).resolves.toMatchObject({ events: [] });
    await report({ kind: 'started', containerId: 'c9' });
    await report({ kind: 'exited', exitCode: 137, willRestart: true });
    await report({ kind: 'starting', containerId: 'c9' });
    await report({ kind: 'started', containerId: 'c9' });
    await expect(report({ kind: 'stopping', containerId: 'c9' })).resolves.toMatchObject({ events: [] });
    await submit({ stops: [{ allocId: 'steps-0', nodeId: 'node-j', reason: 'deleted' }] });
    await report({ kind: 'stopping', containerId: 'c9' });
    await report({ kind: 'stopped' });

    const described = await request(h.client, DescribeAllocation, { allocId: 'steps-0' });
    expect(described.allocation).toMatchObject({ allocId: 'steps-0', nodeId: 'node-j', status: 'complete', desired: 'stop', state: { phase: 'stopped', reason: 'stopped on request: deleted' } });
    expect(described.timeline.map((t) => [t.phase, t.event, t.exitCode])).toEqual([
      ['placed', 'AllocationPlaced', undefined],
      ['starting', 'AllocationStartBegan', undefined],
      ['running', 'AllocationStarted', undefined],
      ['exited', 'AllocationExited', 137],
      ['starting', 'AllocationStartBegan', undefined],
      ['running', 'AllocationStarted', undefined],
      ['stopping', 'AllocationStopBegan', undefined],
      ['stopped', 'AllocationStopped', undefined],
    ]);
    expect(described.timeline.at(-1)?.position).toBe(described.allocation.revision);
    await expect(request(h.client, DescribeAllocation, { allocId: 'steps-0', nodeId: 'node-j' })).resolves.toEqual(described);
    await expect(request(h.client, DescribeAllocation, { allocId: 'steps-0', nodeId: 'node-h' })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    await expect(request(h.client, DescribeAllocation, { allocId: 'nope' })).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });

  it('stops allocations a plan asks to stop', async () => {
    const reply = await submit({ stops: [{ allocId: 'web-1', nodeId: 'node-b', reason: 'scaled-down' }] });
    expect(reply).toMatchObject({ placed: 0, stopped: 1 });
    expect((await history('alloc.node-b.web-1')).map((e) => e.type)).toEqual(['AllocationPlaced', 'AllocationStopRequested']);
    const refused = await errorOf(submit({ stops: [{ allocId: 'web-0', nodeId: 'node-c', reason: 'duplicate' }] }));
    expect(refused).toMatchObject({ code: ErrorCode.Conflict, details: { reasons: [{ nodeId: 'node-c' }] } });
  });
});
