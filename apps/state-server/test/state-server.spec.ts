import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  ApplyDeployment,
  ContractViolation,
  DeleteDeployment,
  ErrorCode,
  GetDeployment,
  ListDeployments,
  PlatoError,
  ScaleDeployment,
  StreamHistory,
  Streams,
  platoEvents,
  type DeploymentSpecInput,
} from '@plato/contracts';
import { JetStreamEventStore } from '@plato/event-store';
import { RpcReply, connectNats, createLogger, request } from '@plato/messaging';
import { NatsServerProcess, newRunId } from '@plato/testing';
import { startStateServer, type RunningStateServer } from '../src/index.js';

const logger = createLogger('state-server-test');
const fields = (issues: { path: string }[]) => [...new Set(issues.map((issue) => issue.path))].sort();
const commandId = () => `cmd-${randomUUID()}`;
const spec = (name: string, input: Partial<DeploymentSpecInput> = {}): DeploymentSpecInput => ({ name, image: 'plato/busybox:latest', ...input });

describe('state-server on a real nats-server with the JetStream event store', () => {
  const run = newRunId('ss');
  let nats: NatsServerProcess;
  let serverConnection: NatsConnection;
  let client: NatsConnection;
  let store: JetStreamEventStore;
  let server: RunningStateServer;

  const history = async (name: string, namespace = 'default') =>
    (await request(client, StreamHistory, { stream: Streams.deployment(namespace, name) })).events;
  const errorOf = (promise: Promise<unknown>) => promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (error: unknown) => error as PlatoError,
  );

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    serverConnection = await connectNats({ name: `${run}-server`, servers: nats.url, logger });
    client = await connectNats({ name: `${run}-client`, servers: nats.url, logger });
    store = await JetStreamEventStore.connect(serverConnection, { catalog: platoEvents });
    server = await startStateServer({ nc: serverConnection, eventStore: store, logger });
  });

  afterAll(async () => {
    await server?.close();
    await store?.close();
    await client?.close();
    await serverConnection?.close();
    await nats?.stop();
  });

  it('applies a spec, shows the event it wrote, and serves it from the projection', async () => {
    const reply = await request(client, ApplyDeployment, { commandId: commandId(), spec: spec('web', { replicas: 2 }) });
    expect(reply).toEqual({ stream: 'deployment.default.web', revision: expect.any(Number), events: [{ type: 'DeploymentSpecApplied', position: reply.revision }] });

    const events = await history('web');
    expect(events).toEqual([
      {
        position: reply.revision,
        type: 'DeploymentSpecApplied',
        version: 1,
        created: expect.any(String),
        data: { version: 1, spec: expect.objectContaining({ name: 'web', namespace: 'default', replicas: 2, runtime: 'docker' }) },
      },
    ]);
    await expect(request(client, GetDeployment, { name: 'web' })).resolves.toMatchObject({ name: 'web', version: 1, replicas: 2, deleted: false, revision: reply.revision });
    expect((await request(client, ListDeployments, {})).items.map((item) => item.name)).toContain('web');
  });

  it('writes nothing when the same spec is applied again', async () => {
    const first = await request(client, ApplyDeployment, { commandId: commandId(), spec: spec('same') });
    const again = await request(client, ApplyDeployment, { commandId: commandId(), spec: spec('same', { namespace: 'default', env: {} }) });
    expect(again).toEqual({ stream: 'deployment.default.same', revision: first.revision, events: [] });
    expect(await history('same')).toHaveLength(1);
  });

  it('rejects an invalid spec naming each bad field, and leaves the log unchanged', async () => {
    const before = await store.lastPosition();
    const bad = { commandId: commandId(), spec: { name: 'Bad_Name', image: '', replicas: -1, resources: { cpu: 1, memory: 64 } } };

    const local = await errorOf(request(client, ApplyDeployment, bad as never));
    expect(local).toBeInstanceOf(ContractViolation);
    expect(fields((local as ContractViolation).issues)).toEqual(['spec.image', 'spec.name', 'spec.replicas', 'spec.resources.cpu']);

    const raw = RpcReply.parse((await client.request(ApplyDeployment.subject, JSON.stringify(bad), { timeout: 5_000 })).json());
    expect(raw.ok).toBe(false);
    if (raw.ok) return;
    expect(raw.error.code).toBe(ErrorCode.ContractViolation);
    expect(fields(raw.error.details['issues'] as { path: string }[])).toEqual(['spec.image', 'spec.name', 'spec.replicas', 'spec.resources.cpu']);
    expect(raw.error.message).toContain('spec.replicas');

    expect(await store.lastPosition()).toBe(before);
  });

  it('writes a command sent twice with one command id once', async () => {
    const id = commandId();
    const first = await request(client, ApplyDeployment, { commandId: id, spec: spec('once') });
    const retried = await request(client, ApplyDeployment, { commandId: id, spec: spec('once') });
    expect(retried).toEqual(first);

    const scaleId = commandId();
    const [a, b] = await Promise.all([
      request(client, ScaleDeployment, { commandId: scaleId, name: 'once', replicas: 4 }),
      request(client, ScaleDeployment, { commandId: scaleId, name: 'once', replicas: 4 }),
    ]);
    expect(a).toEqual(b);
    expect((await history('once')).map((event) => event.type)).toEqual(['DeploymentSpecApplied', 'DeploymentScaled']);

    const deleteId = commandId();
    const deleted = await request(client, DeleteDeployment, { commandId: deleteId, name: 'once' });
    await expect(request(client, DeleteDeployment, { commandId: deleteId, name: 'once' })).resolves.toEqual(deleted);
    expect(await history('once')).toHaveLength(3);
  });

  it('rejects a stale ifRevision with WrongExpectedRevision and accepts the current one', async () => {
    const created = await request(client, ApplyDeployment, { commandId: commandId(), spec: spec('guarded') });
    const changed = await request(client, ApplyDeployment, { commandId: commandId(), spec: spec('guarded', { replicas: 3 }), ifRevision: created.revision });
    expect(changed.events).toHaveLength(1);

    const stale = await errorOf(request(client, ScaleDeployment, { commandId: commandId(), name: 'guarded', replicas: 5, ifRevision: created.revision }));
    expect(stale).toBeInstanceOf(PlatoError);
    expect(stale).toMatchObject({ code: ErrorCode.WrongExpectedRevision, details: { stream: 'deployment.default.guarded', expected: created.revision, actual: changed.revision } });

    const fresh = await errorOf(request(client, ApplyDeployment, { commandId: commandId(), spec: spec('guarded-new'), ifRevision: 7 }));
    expect(fresh).toMatchObject({ code: ErrorCode.WrongExpectedRevision, details: { actual: 'no_stream' } });
    expect(await history('guarded')).toHaveLength(2);
  });

  it('scales a live deployment and reports NOT_FOUND for a missing one', async () => {
    await request(client, ApplyDeployment, { commandId: commandId(), spec: spec('api', { namespace: 'shop' }) });
    const scaled = await request(client, ScaleDeployment, { commandId: commandId(), namespace: 'shop', name: 'api', replicas: 3 });
    expect(scaled.events).toEqual([{ type: 'DeploymentScaled', position: scaled.revision }]);
    await expect(request(client, GetDeployment, { namespace: 'shop', name: 'api' })).resolves.toMatchObject({ replicas: 3, version: 1 });
    expect((await history('api', 'shop')).at(-1)).toMatchObject({ type: 'DeploymentScaled', data: { from: 1, to: 3 } });

    const same = await request(client, ScaleDeployment, { commandId: commandId(), namespace: 'shop', name: 'api', replicas: 3 });
    expect(same.events).toEqual([]);

    await expect(request(client, ScaleDeployment, { commandId: commandId(), name: 'ghost', replicas: 1 })).rejects.toMatchObject({
      code: ErrorCode.NotFound,
      details: { kind: 'deployment', namespace: 'default', name: 'ghost' },
    });
    await expect(request(client, GetDeployment, { name: 'ghost' })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    expect((await request(client, ListDeployments, { namespace: 'shop' })).items.map((item) => item.name)).toEqual(['api']);
  });

  it('deletes, refuses to scale or delete again, and recreates on apply with the next version', async () => {
    await request(client, ApplyDeployment, { commandId: commandId(), spec: spec('temp') });
    await request(client, ApplyDeployment, { commandId: commandId(), spec: spec('temp', { image: 'plato/busybox:2' }) });
    const deleted = await request(client, DeleteDeployment, { commandId: commandId(), name: 'temp' });
    expect(deleted.events.map((event) => event.type)).toEqual(['DeploymentDeleted']);

    expect((await request(client, ListDeployments, {})).items.map((item) => item.name)).not.toContain('temp');
    await expect(request(client, GetDeployment, { name: 'temp' })).resolves.toMatchObject({ deleted: true, version: 2 });
    await expect(request(client, DeleteDeployment, { commandId: commandId(), name: 'temp' })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    await expect(request(client, ScaleDeployment, { commandId: commandId(), name: 'temp', replicas: 1 })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    await expect(request(client, DeleteDeployment, { commandId: commandId(), name: 'never' })).rejects.toMatchObject({ code: ErrorCode.NotFound });

    await request(client, ApplyDeployment, { commandId: commandId(), spec: spec('temp') });
    await expect(request(client, GetDeployment, { name: 'temp' })).resolves.toMatchObject({ deleted: false, version: 3 });
    expect((await history('temp')).map((event) => [event.type, (event.data as { version?: number }).version])).toEqual([
      ['DeploymentSpecApplied', 1],
      ['DeploymentSpecApplied', 2],
      ['DeploymentDeleted', 2],
      ['DeploymentSpecApplied', 3],
    ]);
  });

  it('rebuilds its projection from the log after a restart', async () => {
    const before = (await request(client, ListDeployments, {})).items;
    await server.close();
    server = await startStateServer({ nc: serverConnection, eventStore: store, logger });
    expect((await request(client, ListDeployments, {})).items).toEqual(before);
  });
});
