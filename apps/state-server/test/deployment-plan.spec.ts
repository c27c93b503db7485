import { ApplyDeployment, ErrorCode, PlanDeployment, RegisterNode, StreamHistory, SubmitPlan, type DeploymentSpecInput } from '@plato/contracts';
import { request } from '@plato/messaging';
import { StateServerConfig } from '../src/index.js';
import { StateServerHarness, commandId, errorOf, nodeRegistration } from './state-server.harness.js';

const spec = (input: Partial<DeploymentSpecInput> = {}): DeploymentSpecInput => ({
  name: 'web',
  image: 'plato/busybox:latest',
  replicas: 3,
  resources: { cpu: 400, memory: 256 },
  ...input,
});

describe('PlanDeployment, the dry run of apply (real nats-server, JetStream)', () => {
  let h: StateServerHarness;

  beforeAll(async () => {
    h = await StateServerHarness.start(new StateServerConfig(60_000));
    await request(h.client, RegisterNode, nodeRegistration('node-a'));
    await request(h.client, RegisterNode, nodeRegistration('node-b'));
  });

  afterAll(async () => {
    await h?.stop();
  });

  const plan = (input: Partial<DeploymentSpecInput> = {}) => request(h.client, PlanDeployment, { spec: spec(input) });
  const history = async () => (await request(h.client, StreamHistory, { stream: 'deployment.default.web' })).events;

  it('previews a new deployment at revision 0 with a node per replica, writing nothing', async () => {
    const before = await h.store.lastPosition();
    const preview = await plan();
    expect(preview).toMatchObject({ namespace: 'default', name: 'web', revision: 0, position: before, change: 'create', update: 'none', fromVersion: 0, version: 1, replicas: { from: 0, to: 3 } });
    expect(preview.events).toEqual(['DeploymentSpecApplied']);
    expect(preview.placements).toEqual([
      { nodeId: 'node-a', index: 0, version: 1 },
      { nodeId: 'node-a', index: 1, version: 1 },
      { nodeId: 'node-b', index: 2, version: 1 },
    ]);
    expect(preview).toMatchObject({ stops: [], kept: 0, elsewhere: { placements: 0, stops: 0 } });
    expect(preview.unplaced).toBeUndefined();
    expect(await h.store.lastPosition()).toBe(before);
    expect(await history()).toEqual([]);
  });

  describe('once applied and placed', () => {
    let revision: number;

    beforeAll(async () => {
      revision = (await request(h.client, ApplyDeployment, { commandId: commandId(), spec: spec(), ifRevision: 0 })).revision;
      const placement = (index: number, nodeId: string) => ({ allocId: `web-${index}`, nodeId, namespace: 'default', deployment: 'web', version: 1, index, resources: { cpu: 400, memory: 256 } });
      await request(h.client, SubmitPlan, {
        commandId: commandId(),
        plan: { basedOn: 0, createdAt: 0, placements: [placement(0, 'node-a'), placement(1, 'node-a'), placement(2, 'node-b')], stops: [], unplaced: [] },
      });
    });

    it('previews the same spec as unchanged, at the revision of the apply', async () => {
      await expect(plan()).resolves.toMatchObject({ revision, change: 'unchanged', update: 'none', events: [], placements: [], stops: [], kept: 3 });
    });

    it('previews a replica change as a scale in place: the three keep running, one is added', async () => {
      const preview = await plan({ replicas: 4 });
      expect(preview).toMatchObject({ revision, change: 'scale', update: 'in-place', fromVersion: 1, version: 1, replicas: { from: 3, to: 4 }, changedFields: ['replicas'], events: ['DeploymentScaled'] });
      expect(preview).toMatchObject({ kept: 3, stops: [], placements: [{ nodeId: 'node-b', index: 3, version: 1 }] });
      await expect(plan({ replicas: 1 })).resolves.toMatchObject({
        update: 'in-place',
        kept: 1,
        placements: [],
        stops: [
          { allocId: 'web-2', nodeId: 'node-b', index: 2, version: 1, reason: 'scaled-down' },
          { allocId: 'web-1', nodeId: 'node-a', index: 1, version: 1, reason: 'scaled-down' },
        ],
      });
    });

    it('previews an image change as a replacement of every replica by version 2', async () => {
      const preview = await plan({ image: 'plato/busybox:2' });
      expect(preview).toMatchObject({ revision, change: 'new-version', update: 'replacement', fromVersion: 1, version: 2, changedFields: ['image'], kept: 0 });
      expect(preview.stops.map((stop) => [stop.allocId, stop.reason])).toEqual([
        ['web-0', 'outdated'],
        ['web-1', 'outdated'],
        ['web-2', 'outdated'],
      ]);
      expect(preview.placements.map((placement) => [placement.index, placement.version])).toEqual([
        [0, 2],
        [1, 2],
        [2, 2],
      ]);
    });

    it('reports replicas no node would take, with counts per failed check', async () => {
      const preview = await plan({ resources: { cpu: 400, memory: 4096 } });
      expect(preview.unplaced).toMatchObject({ count: 3, summary: '2 nodes: insufficient memory' });
      expect(preview.placements).toEqual([]);
    });

    it('lets an apply conditional on the previewed revision through only while nothing changed', async () => {
      const seen = await plan({ image: 'plato/busybox:2' });
      await request(h.client, ApplyDeployment, { commandId: commandId(), spec: spec({ replicas: 2 }) });
      const written = await history();
      const refused = await errorOf(request(h.client, ApplyDeployment, { commandId: commandId(), spec: spec({ image: 'plato/busybox:2' }), ifRevision: seen.revision }));
      expect(refused).toMatchObject({ code: ErrorCode.WrongExpectedRevision, details: { stream: 'deployment.default.web', expected: seen.revision, actual: written.at(-1)!.position } });
      expect(await history()).toEqual(written);

      const again = await plan({ image: 'plato/busybox:2' });
      expect(again.revision).toBe(written.at(-1)!.position);
      await expect(request(h.client, ApplyDeployment, { commandId: commandId(), spec: spec({ image: 'plato/busybox:2' }), ifRevision: again.revision })).resolves.toMatchObject({
        events: [{ type: 'DeploymentSpecApplied' }],
      });
    });
  });

  it('refuses a bad spec naming each field', async () => {
    const refused = await errorOf(request(h.client, PlanDeployment, { spec: { name: 'Bad', image: '' } } as never));
    expect(refused.code).toBe(ErrorCode.ContractViolation);
    expect(new Set((refused.details['issues'] as { path: string }[]).map((issue) => issue.path))).toEqual(new Set(['spec.image', 'spec.name']));
  });
});
