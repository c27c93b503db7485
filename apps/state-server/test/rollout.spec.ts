import {
  ApplyDeployment,
  DescribeDeployment,
  ErrorCode,
  PauseRollout,
  PromoteRollout,
  RegisterNode,
  ReportAllocation,
  ResumeRollout,
  StreamHistory,
  SubmitPlan,
  UndoRollout,
  type DeploymentSpecInput,
  type PlanPayload,
} from '@plato/contracts';
import { request } from '@plato/messaging';
import { StateServerConfig } from '../src/index.js';
import { StateServerHarness, commandId, nodeRegistration } from './state-server.harness.js';

const update = { max_parallel: 1, min_healthy_time: '0s', healthy_deadline: '5s', progress_deadline: '10s' };
const spec = (name: string, input: Partial<DeploymentSpecInput> = {}): DeploymentSpecInput => ({
  name,
  image: 'plato/busybox:latest',
  replicas: 2,
  resources: { cpu: 100, memory: 32 },
  update,
  ...input,
});

/**
 * The rollout commands and the scheduler's rollout outcomes through the real state-server on a
 * real nats-server: what each writes to the deployment's stream, what it refuses (409, naming
 * why), and what `DescribeDeployment` says of the rollout.
 */
describe('rollouts in the state-server (real nats-server, JetStream)', () => {
  let h: StateServerHarness;

  beforeAll(async () => {
    h = await StateServerHarness.start(new StateServerConfig(60_000));
    await request(h.client, RegisterNode, nodeRegistration('node-r'));
  });

  afterAll(async () => {
    await h?.stop();
  });

  const types = async (name: string) => (await request(h.client, StreamHistory, { stream: `deployment.default.${name}` })).events.map((e) => e.type);
  const apply = (input: DeploymentSpecInput, ifRevision?: number) =>
    request(h.client, ApplyDeployment, { commandId: commandId(), spec: input, ...(ifRevision !== undefined ? { ifRevision } : {}) });
  const target = (name: string) => ({ commandId: commandId(), name });
  const submit = (plan: Partial<PlanPayload>) => request(h.client, SubmitPlan, { commandId: commandId(), plan: { basedOn: 0, createdAt: Date.now(), placements: [], stops: [], unplaced: [], ...plan } });
  const describe = (name: string) => request(h.client, DescribeDeployment, { name });
  const end = (name: string, version: number, outcome: 'completed' | 'failed', reason?: string) =>
    submit({ rollouts: [{ namespace: 'default', deployment: name, version, outcome, ...(reason ? { reason } : {}) }] });

  it('records a rollout with each version and its completion, which makes the version stable without moving the revision', async () => {
    const first = await apply(spec('web'));
    expect(first.events.map((e) => e.type)).toEqual(['DeploymentSpecApplied', 'RolloutStarted']);
    await expect(describe('web')).resolves.toMatchObject({ rollout: { version: 1, status: 'running', desired: 2, placed: 0, healthy: 0, old: 0 } });
    await end('web', 1, 'completed');
    await expect(describe('web')).resolves.toMatchObject({ deployment: { revision: first.revision }, rollout: { version: 1, status: 'completed' } });
    const second = await apply(spec('web', { image: 'plato/busybox:2' }), first.revision);
    expect(second.events.map((e) => e.type)).toEqual(['DeploymentSpecApplied', 'RolloutStarted']);
    await expect(describe('web')).resolves.toMatchObject({ rollout: { version: 2, from: 1, status: 'running' } });
  });

  it('pauses and resumes once, refuses what the rollout does not allow with a conflict naming why', async () => {
    expect((await request(h.client, PauseRollout, target('web'))).events.map((e) => e.type)).toEqual(['RolloutPaused']);
    await expect(request(h.client, PauseRollout, target('web'))).resolves.toMatchObject({ events: [] });
    await expect(describe('web')).resolves.toMatchObject({ rollout: { status: 'paused', waiting: "a user to resume it ('plato rollout resume')" } });
    await expect(end('web', 2, 'failed', 'too late')).resolves.toMatchObject({});
    expect(await types('web')).not.toContain('RolloutFailed');
    expect((await request(h.client, ResumeRollout, target('web'))).events.map((e) => e.type)).toEqual(['RolloutResumed']);
    await expect(request(h.client, PromoteRollout, target('web'))).rejects.toMatchObject({
      code: ErrorCode.Conflict,
      message: 'deployment default/web: the rollout of version 2 has no canaries to promote',
    });
    await expect(request(h.client, PauseRollout, target('nope'))).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });

  it('fails a rollout by plan and brings the last stable version back as a new version with its own rollout', async () => {
    await end('web', 2, 'failed', 'allocation a1 (slot 0 on node node-r) failed: no such image');
    expect((await types('web')).slice(-3)).toEqual(['RolloutFailed', 'DeploymentSpecApplied', 'RolloutStarted']);
    const described = await describe('web');
    expect(described.deployment).toMatchObject({ version: 3, spec: { image: 'plato/busybox:latest' } });
    expect(described.rollout).toMatchObject({
      version: 3,
      from: 2,
      revertOf: 1,
      status: 'running',
      afterFailureOf: { version: 2, reason: 'allocation a1 (slot 0 on node node-r) failed: no such image' },
    });
  });

  it('undoes to the newest stable version, and refuses a version it does not keep', async () => {
    await end('web', 3, 'completed');
    await apply(spec('web', { image: 'plato/busybox:4' }));
    await expect(request(h.client, UndoRollout, { ...target('web'), toVersion: 9 })).rejects.toMatchObject({
      code: ErrorCode.Conflict,
      message: 'deployment default/web: version 9 is not kept (kept: 1 (stable), 2, 3 (stable), 4)',
    });
    const undone = await request(h.client, UndoRollout, target('web'));
    expect(undone.events.map((e) => e.type)).toEqual(['DeploymentSpecApplied', 'RolloutStarted']);
    await expect(describe('web')).resolves.toMatchObject({ deployment: { version: 5, spec: { image: 'plato/busybox:latest' } }, rollout: { version: 5, revertOf: 3 } });
  });

  it('refuses to promote canaries that have not proven healthy, and promotes them once they serve', async () => {
    const canary = { ...update, canary: 1, min_healthy_time: '0s' };
    await apply(spec('api', { replicas: 2, update: canary }));
    await end('api', 1, 'completed');
    const placed = (allocId: string, version: number, index: number) => ({ allocId, nodeId: 'node-r', namespace: 'default', deployment: 'api', version, index, resources: { cpu: 100, memory: 32 } });
    await submit({ placements: [placed('api-1-0', 1, 0), placed('api-1-1', 1, 1)] });
    await apply(spec('api', { replicas: 2, image: 'plato/busybox:2', update: canary }));
    await submit({ placements: [placed('api-2-0', 2, 0)] });
    await expect(describe('api')).resolves.toMatchObject({ rollout: { status: 'awaiting-promotion', placed: 1, healthy: 0, old: 2 } });
    await expect(request(h.client, PromoteRollout, target('api'))).rejects.toMatchObject({
      code: ErrorCode.Conflict,
      message: 'deployment default/api: 0 of 1 canaries of version 2 proved healthy; promote once they all serve',
    });
    await request(h.client, ReportAllocation, { commandId: commandId(), nodeId: 'node-r', allocId: 'api-2-0', report: { kind: 'started', containerId: 'c-api-2-0', ports: [] } });
    await expect(describe('api')).resolves.toMatchObject({ rollout: { status: 'awaiting-promotion', healthy: 1 } });
    expect((await request(h.client, PromoteRollout, target('api'))).events.map((e) => e.type)).toEqual(['RolloutPromoted']);
    await expect(describe('api')).resolves.toMatchObject({ rollout: { status: 'running', promoted: true } });
  });
});
