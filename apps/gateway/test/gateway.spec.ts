import 'reflect-metadata';
import type { NatsConnection } from '@nats-io/transport-node';
import { ListDeployments, RegisterNode, ReportAllocation, Streams, SubmitPlan, platoEvents } from '@plato/contracts';
import { JetStreamEventStore } from '@plato/event-store';
import { connectNats, createLogger, request } from '@plato/messaging';
import { NatsServerProcess, ServiceProcess, appMain, eventually, newRunId } from '@plato/testing';
import { Validator } from '@seriousme/openapi-schema-validator';
import { gatewayControllers, startGateway, type RunningGateway } from '../src/index.js';
import { apiRoutesOf } from '../src/openapi/api-route.decorator.js';
import { openApiPath } from '../src/openapi/openapi.document.js';
import { openEventStream, type EventStreamReader } from './sse.client.js';

const logger = createLogger('gateway-test');

interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

describe('gateway on a real nats-server and a real state-server', () => {
  const run = newRunId('gw');
  let nats: NatsServerProcess;
  let gatewayConnection: NatsConnection;
  let gatewayStore: JetStreamEventStore;
  let stateServer: ServiceProcess;
  let gateway: RunningGateway;
  const readers: EventStreamReader[] = [];

  const call = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${gateway.url}${path}`, init);
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const history = async (name: string) =>
    (await call<{ events: { type: string; position: number }[] }>('GET', `/v1/history/deployment/default/${name}`)).body.events;
  const issuePaths = (body: Record<string, unknown>) =>
    ((body['details'] as { issues: { path: string }[] }).issues.map((issue) => issue.path)).sort();
  const stream = async (path: string, headers: Record<string, string> = {}) => {
    const reader = await openEventStream(`${gateway.url}${path}`, headers);
    readers.push(reader);
    return reader;
  };

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    gatewayConnection = await connectNats({ name: `${run}-gateway`, servers: nats.url, logger });
    gatewayStore = await JetStreamEventStore.connect(gatewayConnection, { catalog: platoEvents });
    stateServer = ServiceProcess.start('state-server', appMain('state-server'), { PLATO_NATS_URL: nats.url, PLATO_LOG_LEVEL: 'warn', PLATO_NODE_TIMEOUT_MS: '60000' });
    await eventually(() => request(gatewayConnection, ListDeployments, {}, { timeoutMs: 500 }), {
      timeoutMs: 20_000,
      description: `the state-server answering\n${stateServer.output()}`,
    });
    gateway = await startGateway({ nc: gatewayConnection, eventStore: gatewayStore, port: 0, logger });
  });

  afterAll(async () => {
    await Promise.all(readers.map((reader) => reader.close()));
    await gateway?.close();
    await stateServer?.stop();
    await gatewayStore?.close();
    await gatewayConnection?.close();
    await nats?.stop();
  });

  it('listens on loopback only', () => {
    expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('applies a spec with PUT and answers with the event it wrote', async () => {
    const answer = await call('PUT', '/v1/namespaces/default/deployments/web', { image: 'plato/busybox:latest', replicas: 2 });
    expect(answer).toEqual({
      status: 200,
      body: { stream: 'deployment.default.web', revision: expect.any(Number), events: [{ type: 'DeploymentSpecApplied', position: expect.any(Number) }] },
    });
    const events = await history('web');
    expect(events).toEqual([expect.objectContaining({ type: 'DeploymentSpecApplied', data: expect.objectContaining({ version: 1 }) })]);
    const described = await call<{ deployment: { name: string; replicas: number; spec: { namespace: string } } }>('GET', '/v1/namespaces/default/deployments/web');
    expect(described.status).toBe(200);
    expect(described.body.deployment).toMatchObject({ name: 'web', replicas: 2, spec: { namespace: 'default' } });
    const listed = await call<{ items: { name: string }[] }>('GET', '/v1/deployments?namespace=default');
    expect(listed.body.items.map((item) => item.name)).toContain('web');
  });

  it('writes no new event when the same spec is applied again', async () => {
    await call('PUT', '/v1/namespaces/default/deployments/same', { image: 'plato/busybox:latest' });
    const before = await gatewayStore.lastPosition();
    const again = await call('PUT', '/v1/namespaces/default/deployments/same', { name: 'same', namespace: 'default', image: 'plato/busybox:latest' });
    expect(again.status).toBe(200);
    expect(again.body['events']).toEqual([]);
    expect(await gatewayStore.lastPosition()).toBe(before);
    expect(await history('same')).toHaveLength(1);
  });

  it('accepts a YAML spec', async () => {
    const yaml = 'image: plato/busybox:latest\nreplicas: 3\nenv:\n  GREETING: hello\n';
    const answer = await call('PUT', '/v1/namespaces/team-a/deployments/yaml-app', yaml, { 'content-type': 'application/yaml' });
    expect(answer.status).toBe(200);
    expect(answer.body['stream']).toBe('deployment.team-a.yaml-app');
  });

  it('refuses a spec with several mistakes with 400 naming each field, and writes nothing', async () => {
    const before = await gatewayStore.lastPosition();
    const answer = await call('PUT', '/v1/namespaces/default/deployments/bad', {
      image: 'has space',
      replicas: -1,
      resources: { cpu: 1, memory: 1 },
      ports: [{ container: 70000 }],
      runtime: 'podman',
      colour: 'blue',
    });
    expect(answer.status).toBe(400);
    expect(answer.body['code']).toBe('CONTRACT_VIOLATION');
    expect(issuePaths(answer.body)).toEqual(['', 'image', 'ports[0].container', 'replicas', 'resources.cpu', 'resources.memory', 'runtime']);
    expect(answer.body['message']).toContain('resources.memory: must be at least 4 MiB');
    expect(await gatewayStore.lastPosition()).toBe(before);
  });

  it('refuses a body whose name or namespace contradicts the path', async () => {
    const answer = await call('PUT', '/v1/namespaces/default/deployments/web', { name: 'other', namespace: 'prod', image: 'plato/busybox:latest' });
    expect(answer.status).toBe(400);
    expect(issuePaths(answer.body)).toEqual(['name', 'namespace']);
  });

  it('answers malformed JSON and YAML with 400 naming the problem', async () => {
    const json = await call('PUT', '/v1/namespaces/default/deployments/web', '{"image": ', { 'content-type': 'application/json' });
    expect(json.status).toBe(400);
    expect(json.body).toMatchObject({ code: 'CONTRACT_VIOLATION', details: { issues: [{ path: '', message: expect.stringMatching(/JSON/) }] } });
    const yaml = await call('PUT', '/v1/namespaces/default/deployments/web', 'image: [unclosed\nreplicas: 2\n', { 'content-type': 'application/yaml' });
    expect(yaml.status).toBe(400);
    expect(yaml.body).toMatchObject({ code: 'CONTRACT_VIOLATION', details: { issues: [{ path: '', message: expect.stringMatching(/malformed YAML at line \d+/) }] } });
  });

  it('refuses a stale ifRevision with 409 naming the stream and both revisions', async () => {
    const first = await call<{ revision: number }>('PUT', '/v1/namespaces/default/deployments/cond', { image: 'plato/busybox:latest' });
    const second = await call<{ revision: number }>('PUT', `/v1/namespaces/default/deployments/cond?ifRevision=${first.body.revision}`, {
      image: 'plato/busybox:1',
    });
    expect(second.status).toBe(200);
    const stale = await call('PUT', `/v1/namespaces/default/deployments/cond?ifRevision=${first.body.revision}`, { image: 'plato/busybox:2' });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      code: 'WRONG_EXPECTED_REVISION',
      details: { stream: 'deployment.default.cond', expected: first.body.revision, actual: second.body.revision },
    });
    const badQuery = await call('PUT', '/v1/namespaces/default/deployments/cond?ifRevision=soon', { image: 'plato/busybox:2' });
    expect(badQuery.status).toBe(400);
    expect(issuePaths(badQuery.body)).toEqual(['ifRevision']);
  });

  it('previews an apply with POST …/plan without writing, and an apply at the previewed revision goes through only while nothing changed', async () => {
    type Preview = { revision: number; position: number; change: string; update: string; changedFields: string[]; placements: unknown[]; unplaced?: { count: number } };
    const before = await gatewayStore.lastPosition();
    const created = await call<Preview>('POST', '/v1/namespaces/default/deployments/dry/plan', 'image: plato/busybox:latest\nreplicas: 2\n', { 'content-type': 'application/yaml' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ revision: 0, position: before, change: 'create', update: 'none' });
    expect(created.body.placements.length + (created.body.unplaced?.count ?? 0)).toBe(2);
    expect(await gatewayStore.lastPosition()).toBe(before);
    expect(await history('dry')).toEqual([]);

    const applied = await call<{ revision: number }>('PUT', '/v1/namespaces/default/deployments/dry?ifRevision=0', { image: 'plato/busybox:latest', replicas: 2 });
    expect(applied.status).toBe(200);
    const scale = await call<Preview>('POST', '/v1/namespaces/default/deployments/dry/plan', { image: 'plato/busybox:latest', replicas: 5 });
    expect(scale.body).toMatchObject({ revision: applied.body.revision, change: 'scale', update: 'in-place', changedFields: ['replicas'] });
    const image = await call<Preview>('POST', '/v1/namespaces/default/deployments/dry/plan', { image: 'plato/busybox:2', replicas: 2 });
    expect(image.body).toMatchObject({ revision: applied.body.revision, change: 'new-version', update: 'replacement', changedFields: ['image'] });

    const moved = await call<{ revision: number }>('POST', '/v1/namespaces/default/deployments/dry/scale', { replicas: 3 });
    const stale = await call('PUT', `/v1/namespaces/default/deployments/dry?ifRevision=${image.body.revision}`, { image: 'plato/busybox:2', replicas: 2 });
    expect(stale).toMatchObject({ status: 409, body: { code: 'WRONG_EXPECTED_REVISION', details: { expected: image.body.revision, actual: moved.body.revision } } });
    expect((await history('dry')).map((event) => event.type)).toEqual(['DeploymentSpecApplied', 'DeploymentScaled']);

    const bad = await call('POST', '/v1/namespaces/default/deployments/dry/plan', { image: 'has space', replicas: -1, name: 'other' });
    expect(bad.status).toBe(400);
    expect(issuePaths(bad.body)).toEqual(['image', 'name', 'replicas']);
  });

  it('scales, then deletes, and answers 404 for a deployment that is not there', async () => {
    await call('PUT', '/v1/namespaces/default/deployments/scaled', { image: 'plato/busybox:latest' });
    const scaled = await call('POST', '/v1/namespaces/default/deployments/scaled/scale', { replicas: 4 });
    expect(scaled).toMatchObject({ status: 200, body: { events: [{ type: 'DeploymentScaled' }] } });
    const badScale = await call('POST', '/v1/namespaces/default/deployments/scaled/scale', { replicas: 'many' });
    expect(badScale.status).toBe(400);
    expect(issuePaths(badScale.body)).toEqual(['replicas']);
    const deleted = await call('DELETE', '/v1/namespaces/default/deployments/scaled');
    expect(deleted).toMatchObject({ status: 200, body: { events: [{ type: 'DeploymentDeleted' }] } });
    const missing = await call('DELETE', '/v1/namespaces/default/deployments/never-was');
    expect(missing.status).toBe(404);
    expect(missing.body['code']).toBe('NOT_FOUND');
    expect((await call('GET', '/v1/namespaces/default/deployments/never-was')).status).toBe(404);
  });

  it('applies a command once per Idempotency-Key', async () => {
    const headers = { 'idempotency-key': `${run}-apply-once` };
    const first = await call('PUT', '/v1/namespaces/default/deployments/once', { image: 'plato/busybox:latest' }, headers);
    await call('DELETE', '/v1/namespaces/default/deployments/once');
    const retried = await call('PUT', '/v1/namespaces/default/deployments/once', { image: 'plato/busybox:latest' }, headers);
    expect(retried.body).toEqual(first.body);
    const bad = await call('PUT', '/v1/namespaces/default/deployments/once', { image: 'plato/busybox:latest' }, { 'idempotency-key': 'x y' });
    expect(bad.status).toBe(400);
    expect(issuePaths(bad.body)).toContain('Idempotency-Key');
  });

  it('returns the event history of a deployment and of a node, and refuses an unknown kind', async () => {
    await call('PUT', '/v1/namespaces/default/deployments/hist', { image: 'plato/busybox:latest' });
    await call('POST', '/v1/namespaces/default/deployments/hist/scale', { replicas: 2 });
    expect((await history('hist')).map((event) => event.type)).toEqual(['DeploymentSpecApplied', 'DeploymentScaled']);
    expect((await call('GET', '/v1/history/widget/x')).status).toBe(400);
    expect((await call('GET', '/v1/history/deployment/only-one')).status).toBe(400);
  });

  it('lists nodes, reads one, cordons and uncordons it, and shows its history', async () => {
    await request(gatewayConnection, RegisterNode, {
      commandId: `${run}-register-n1`,
      nodeId: 'n1',
      hostname: 'n1.local',
      capacity: { cpu: 4000, memory: 8192 },
      runtimes: ['docker'],
    });
    const nodes = await call<{ items: { nodeId: string }[] }>('GET', '/v1/nodes');
    expect(nodes.status).toBe(200);
    expect(nodes.body.items.map((node) => node.nodeId)).toEqual(['n1']);
    expect(await call('GET', '/v1/nodes/n1')).toMatchObject({ status: 200, body: { nodeId: 'n1', state: 'ready', cordoned: false } });
    expect(await call('POST', '/v1/nodes/n1/cordon')).toMatchObject({ status: 200, body: { events: [{ type: 'NodeCordoned' }] } });
    await eventually(async () => expect((await call('GET', '/v1/nodes/n1')).body['cordoned']).toBe(true));
    expect(await call('POST', '/v1/nodes/n1/uncordon')).toMatchObject({ status: 200, body: { events: [{ type: 'NodeUncordoned' }] } });
    const nodeHistory = await call<{ stream: string; events: { type: string }[] }>('GET', '/v1/history/node/n1');
    expect(nodeHistory.body.stream).toBe(Streams.node('n1'));
    expect(nodeHistory.body.events.map((event) => event.type)).toEqual(['NodeRegistered', 'NodeCordoned', 'NodeUncordoned']);
    expect((await call('GET', '/v1/nodes/nope')).status).toBe(404);
  });

  it('drains a node with a deadline and refuses a deadline that is not a duration, naming it', async () => {
    const refused = await call('POST', '/v1/nodes/n1/drain?deadline=soon');
    expect(refused).toMatchObject({ status: 400, body: { code: 'CONTRACT_VIOLATION', details: { issues: [{ path: 'deadline', message: "must be a duration: '500ms', '5s', '1m' or '1h'" }] } } });
    expect(await call('POST', '/v1/nodes/n1/drain?deadline=5m')).toMatchObject({ status: 200, body: { events: [{ type: 'NodeCordoned' }, { type: 'NodeDrainStarted' }] } });
    await eventually(async () => expect((await call('GET', '/v1/nodes/n1')).body['drain']).toMatchObject({ status: expect.stringMatching(/^(draining|drained)$/), deadline: expect.any(String) }));
    expect(await call('POST', '/v1/nodes/n1/uncordon')).toMatchObject({ status: 200, body: { events: [{ type: 'NodeUncordoned' }] } });
    expect((await call('POST', '/v1/nodes/nope/drain')).status).toBe(404);
  });

  it('shows a rollout, pauses and resumes it, refuses what it does not allow with 409 and a rollout where there is none with 404', async () => {
    const spec = { image: 'plato/busybox:latest', replicas: 2, update: { max_parallel: 1, min_healthy_time: '1s', healthy_deadline: '1m' } };
    expect(await call('PUT', '/v1/namespaces/default/deployments/roll', spec)).toMatchObject({
      status: 200,
      body: { events: [{ type: 'DeploymentSpecApplied' }, { type: 'RolloutStarted' }] },
    });
    expect(await call('GET', '/v1/namespaces/default/deployments/roll/rollout')).toMatchObject({ status: 200, body: { version: 1, status: 'running', desired: 2 } });
    expect(await call('POST', '/v1/namespaces/default/deployments/roll/rollout/pause')).toMatchObject({ status: 200, body: { events: [{ type: 'RolloutPaused' }] } });
    expect(await call('GET', '/v1/namespaces/default/deployments/roll/rollout')).toMatchObject({ body: { status: 'paused' } });
    expect(await call('POST', '/v1/namespaces/default/deployments/roll/rollout/resume')).toMatchObject({ status: 200, body: { events: [{ type: 'RolloutResumed' }] } });
    expect(await call('POST', '/v1/namespaces/default/deployments/roll/rollout/promote')).toMatchObject({
      status: 409,
      body: { code: 'CONFLICT', message: 'deployment default/roll: the rollout of version 1 has no canaries to promote' },
    });
    expect(await call('POST', '/v1/namespaces/default/deployments/roll/rollout/undo', {})).toMatchObject({
      status: 409,
      body: { code: 'CONFLICT', message: 'deployment default/roll: no stable version before version 1 to go back to (kept: 1)' },
    });
    const badUndo = await call('POST', '/v1/namespaces/default/deployments/roll/rollout/undo', { toVersion: 0, colour: 'blue' });
    expect(badUndo.status).toBe(400);
    expect(issuePaths(badUndo.body)).toEqual(['', 'toVersion']);
    await call('PUT', '/v1/namespaces/default/deployments/plain', { image: 'plato/busybox:latest' });
    expect(await call('GET', '/v1/namespaces/default/deployments/plain/rollout')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });

  it('lists allocations and refuses a bad filter', async () => {
    const all = await call<{ items: unknown[] }>('GET', '/v1/allocations?namespace=default&all=true');
    expect(all.status).toBe(200);
    expect(Array.isArray(all.body.items)).toBe(true);
    const bad = await call('GET', '/v1/allocations?all=maybe&colour=blue');
    expect(bad.status).toBe(400);
    expect(issuePaths(bad.body)).toEqual(['', 'all']);
  });

  it('describes one allocation with its timeline, and answers 404 for an unknown one and 400 for a bad id', async () => {
    await request(gatewayConnection, RegisterNode, { commandId: `${run}-register-n2`, nodeId: 'n2', hostname: 'n2', capacity: { cpu: 1000, memory: 1024 }, labels: {}, runtimes: ['docker'] });
    const placement = { allocId: 'web-0-timeline', nodeId: 'n2', namespace: 'default', deployment: 'web', version: 1, index: 0, resources: { cpu: 100, memory: 64 } };
    await request(gatewayConnection, SubmitPlan, { commandId: `${run}-plan`, plan: { basedOn: 0, createdAt: Date.now(), placements: [placement], stops: [], unplaced: [] } });
    const report = { commandId: `${run}-starting`, nodeId: 'n2', allocId: placement.allocId, report: { kind: 'starting' as const, containerId: 'c1' } };
    await request(gatewayConnection, ReportAllocation, report);
    const described = await call<{ allocation: { allocId: string; state: { phase: string } }; timeline: { phase: string; event: string }[] }>('GET', `/v1/allocations/${placement.allocId}`);
    expect(described.status).toBe(200);
    expect(described.body.allocation).toMatchObject({ allocId: placement.allocId, state: { phase: 'starting' } });
    expect(described.body.timeline.map((entry) => [entry.phase, entry.event])).toEqual([
      ['placed', 'AllocationPlaced'],
      ['starting', 'AllocationStartBegan'],
    ]);
    expect(await call('GET', '/v1/allocations/nope')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await call('GET', '/v1/allocations/Not_An_Id')).toMatchObject({ status: 400, body: { code: 'CONTRACT_VIOLATION' } });
  });

  const positionOfId = (id: string) => Number(id.split(':')[0]);

  it('streams live events and resumes after Last-Event-ID with no duplicate and no gap', async () => {
    const live = await stream('/v1/events?stream=deployment.sse');
    expect(live.status).toBe(200);
    expect(live.contentType).toMatch(/^text\/event-stream/);
    await call('PUT', '/v1/namespaces/sse/deployments/one', { image: 'plato/busybox:latest' });
    const first = await eventually(() => {
      const applied = live.events.find((event) => event.event === 'DeploymentSpecApplied');
      if (!applied) throw new Error('no DeploymentSpecApplied yet');
      return applied;
    });
    const data = JSON.parse(first.data) as Record<string, unknown>;
    expect(data).toEqual({ stream: 'deployment.sse.one', type: 'DeploymentSpecApplied', position: positionOfId(first.id!), created: expect.any(String), data: expect.objectContaining({ version: 1 }) });
    await live.close();

    await call('POST', '/v1/namespaces/sse/deployments/one/scale', { replicas: 2 });
    await call('PUT', '/v1/namespaces/sse/deployments/two', { image: 'plato/busybox:latest' });
    const resumed = await stream('/v1/events?stream=deployment.sse', { 'last-event-id': first.id! });
    await call('DELETE', '/v1/namespaces/sse/deployments/two');
    await eventually(() => resumed.events.length >= 3, { description: 'three events after the resume point' });
    expect(resumed.events.map((event) => [event.event, JSON.parse(event.data).stream])).toEqual([
      ['DeploymentScaled', 'deployment.sse.one'],
      ['DeploymentSpecApplied', 'deployment.sse.two'],
      ['DeploymentDeleted', 'deployment.sse.two'],
    ]);
    expect(resumed.events.every((event) => /^\d+:\d+$/.test(event.id!))).toBe(true);
    const positions = resumed.events.map((event) => positionOfId(event.id!));
    expect(positions[0]).toBeGreaterThan(positionOfId(first.id!));
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);

    const fromQuery = await stream(`/v1/events?stream=deployment.sse&from=${positionOfId(first.id!)}`);
    await eventually(() => fromQuery.events.length >= 3);
    expect(fromQuery.events.map((event) => event.id)).toEqual(resumed.events.map((event) => event.id));
    expect((await call('GET', '/v1/events?from=soon')).status).toBe(400);
  });

  it('answers /healthz and an unknown route in the error body', async () => {
    expect(await call('GET', '/healthz')).toEqual({ status: 200, body: { status: 'ok', nats: 'connected' } });
    expect(await call('GET', '/v1/widgets')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });

  it('serves a valid OpenAPI 3.1 document of every route, its bodies, responses and error bodies', async () => {
    const answer = await call<{
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> }; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
    }>('GET', '/openapi.json');
    expect(answer.status).toBe(200);
    const document = answer.body;
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);

    const routes = gatewayControllers.flatMap(apiRoutesOf).map((route) => `${route.method} ${openApiPath(route.path)}`);
    expect(routes).toHaveLength(22);
    const documented = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual([...routes].sort());
    expect(documented).toEqual(
      expect.arrayContaining([
        'PUT /v1/namespaces/{ns}/deployments/{name}',
        'POST /v1/namespaces/{ns}/deployments/{name}/plan',
        'GET /v1/namespaces/{ns}/deployments/{name}/rollout',
        'POST /v1/namespaces/{ns}/deployments/{name}/rollout/undo',
        'GET /v1/history/{kind}/{id}',
        'GET /v1/events',
      ]),
    );

    const apply = document.paths['/v1/namespaces/{ns}/deployments/{name}']!['put']!;
    expect(Object.keys(apply.requestBody!.content)).toEqual(['application/json', 'application/yaml']);
    expect(Object.keys(apply.responses).sort()).toEqual(['200', '400', '409', '500', '503']);
    const schemas = document.components.schemas;
    expect(schemas['DeploymentSpecInput']!.required).toEqual(['name', 'image']);
    expect(schemas['DeploymentPlanPreview']!.required).toEqual(expect.arrayContaining(['revision', 'position', 'change', 'update', 'placements', 'stops']));
    expect(schemas['DeploymentSpec']!.required).toEqual(expect.arrayContaining(['name', 'namespace', 'replicas', 'resources']));
    expect(Object.keys(schemas['AllocationView']!.properties!)).toEqual(expect.arrayContaining(['status', 'state', 'stopReason', 'failure']));
    expect(schemas['AllocationDescription']!.required).toEqual(['allocation', 'timeline']);
    expect(Object.keys(schemas['ErrorBody']!.properties!)).toEqual(['code', 'message', 'details']);
    expect(JSON.stringify(schemas['ContractViolationError'])).toContain('issues');
    expect(Object.keys((schemas['ConflictError']!.properties!['details'] as { properties: object }).properties)).toEqual(['stream', 'expected', 'actual']);
  });
});
