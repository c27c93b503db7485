import type { NatsConnection } from '@nats-io/transport-node';
import { ContractViolation, ErrorCode, PlatoError, defineCommand, defineQuery } from '@plato/contracts';
import { NatsServerProcess, newRunId } from '@plato/testing';
import { z } from 'zod';
import { RpcReply, RpcServer, connectNats, createLogger, request } from '../src/index.js';

const run = newRunId('rpc');
const Greet = defineQuery(`plato.test.${run}.greet`, 1, z.strictObject({ name: z.string().min(1), times: z.int().min(1).default(1) }), z.strictObject({ text: z.string() }));
const Fail = defineCommand(`plato.test.${run}.fail`, 1, z.strictObject({ how: z.enum(['not-found', 'crash', 'bad-reply']) }), z.strictObject({ done: z.boolean() }));
const Nobody = defineQuery(`plato.test.${run}.nobody`, 1, z.strictObject({}), z.strictObject({}));

describe('request and RpcServer over a real nats-server', () => {
  let nats: NatsServerProcess;
  let serverConnection: NatsConnection;
  let clientConnection: NatsConnection;
  let server: RpcServer;
  const received: unknown[] = [];

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    const logger = createLogger('rpc-test', { PLATO_LOG_LEVEL: 'fatal' });
    serverConnection = await connectNats({ name: 'rpc-test-server', servers: nats.url, logger });
    clientConnection = await connectNats({ name: 'rpc-test-client', servers: nats.url, logger });
    server = new RpcServer(serverConnection, { logger });
    server.handle(Greet, (payload) => {
      received.push(payload);
      return { text: Array(payload.times).fill(`hello ${payload.name}`).join(', ') };
    });
    server.handle(Fail, (payload) => {
      if (payload.how === 'not-found') throw new PlatoError(ErrorCode.NotFound, 'no such thing', { name: 'thing' });
      if (payload.how === 'crash') throw new TypeError('boom');
      return { done: 'yes' } as unknown as { done: boolean };
    });
    await serverConnection.flush();
  });

  afterAll(async () => {
    await server?.close();
    await clientConnection?.close();
    await serverConnection?.close();
    await nats?.stop();
  });

  it('returns the parsed reply, defaults filled in', async () => {
    await expect(request(clientConnection, Greet, { name: 'ada', times: 2 })).resolves.toEqual({ text: 'hello ada, hello ada' });
    expect(received.at(-1)).toEqual({ name: 'ada', times: 2 });
    await request(clientConnection, Greet, { name: 'bob' });
    expect(received.at(-1)).toEqual({ name: 'bob', times: 1 });
  });

  it('rejects a bad payload before sending, naming every field', async () => {
    const before = received.length;
    const error = await request(clientConnection, Greet, { name: '', times: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractViolation);
    expect((error as ContractViolation).issues.map((i) => i.path).sort()).toEqual(['name', 'times']);
    expect(received.length).toBe(before);
  });

  it('answers a bad payload sent around the helper with a ContractViolation envelope', async () => {
    const reply = await clientConnection.request(Greet.subject, JSON.stringify({ name: 7, extra: true }), { timeout: 5_000 });
    const envelope = RpcReply.parse(reply.json());
    expect(envelope.ok).toBe(false);
    if (envelope.ok) return;
    expect(envelope.error.code).toBe('CONTRACT_VIOLATION');
    expect((envelope.error.details['issues'] as { path: string }[]).map((i) => i.path).sort()).toEqual(['', 'name']);
  });

  it('revives the PlatoError the handler threw', async () => {
    const error = await request(clientConnection, Fail, { how: 'not-found' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatoError);
    expect(error).toMatchObject({ code: ErrorCode.NotFound, message: 'no such thing', details: { name: 'thing' } });
  });

  it('maps an unexpected error, and a reply that breaks its contract, to INTERNAL', async () => {
    await expect(request(clientConnection, Fail, { how: 'crash' })).rejects.toMatchObject({ code: ErrorCode.Internal });
    await expect(request(clientConnection, Fail, { how: 'bad-reply' })).rejects.toMatchObject({ code: ErrorCode.Internal });
  });

  it('reports UNAVAILABLE when nobody serves the subject', async () => {
    await expect(request(clientConnection, Nobody, {})).rejects.toMatchObject({ code: ErrorCode.Unavailable });
  });

  it('fails fast with UNAVAILABLE when no server listens', async () => {
    await expect(connectNats({ name: 'rpc-test-nowhere', servers: 'nats://127.0.0.1:1', timeoutMs: 1_000 })).rejects.toMatchObject({
      code: ErrorCode.Unavailable,
    });
  });
});
