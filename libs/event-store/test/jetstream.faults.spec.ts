import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { NatsServerProcess, eventually, newRunId } from '@plato/testing';
import { JetStreamEventStore, type AppendResult, type EventStore } from '../src/index.js';
import { testCatalog } from './event-store.contract.js';

/** Faults only a real server can show: restarts, crashes, a misconfigured stream. */
describe('JetStreamEventStore under faults (real nats-server)', () => {
  let server: NatsServerProcess;
  let nc: NatsConnection;
  let store: JetStreamEventStore;

  beforeEach(async () => {
    server = await NatsServerProcess.start();
    nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 50 });
    store = await JetStreamEventStore.connect(nc, { catalog: testCatalog });
  });
  afterEach(async () => {
    await store?.close();
    await nc?.close();
    await server?.stop();
  });

  /** Appends, retrying with the same message id while the server is away (so it is written once). */
  async function appendRetrying(target: EventStore, stream: string, by: number, messageId: string): Promise<AppendResult> {
    for (;;) {
      try {
        return await target.append(stream, [{ type: 'Incremented', data: { by } }], { messageId });
      } catch (error) {
        if (error instanceof Error && /WRONG_EXPECTED|invalid/i.test(error.message)) throw error;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  it('resumes a catch-up subscription across a server restart with no gap and no duplicate', async () => {
    const run = newRunId('r');
    const seen: number[] = [];
    const sub = await store.subscribeToAll((e) => void seen.push(e.position), { filter: { streamPrefixes: [run] } });
    const written: number[] = [];
    for (let i = 1; i <= 200; i++) {
      if (i === 100) await server.restart();
      written.push((await appendRetrying(store, `${run}.s${i % 7}`, i, `${run}-${i}`)).position);
    }
    await eventually(() => expect(seen.length).toBeGreaterThanOrEqual(200), { timeoutMs: 20_000, description: 'all 200 events delivered' });
    expect(seen).toEqual(written);
    expect(new Set(written).size).toBe(200);
    await sub.close();
  });

  it('resumes a durable subscription after a server crash (SIGKILL) from where its handler stopped', async () => {
    const run = newRunId('d');
    const name = run.replace(/-/g, '_');
    const seen: number[] = [];
    const sub = await store.subscribeDurable(name, (e) => void seen.push(e.position), { filter: { streamPrefixes: [run] } });
    const written: number[] = [];
    for (let i = 1; i <= 50; i++) written.push((await appendRetrying(store, `${run}.a`, i, `${run}-${i}`)).position);
    await sub.caughtUp(written.at(-1)!);
    await server.kill();
    await server.resume();
    for (let i = 51; i <= 100; i++) written.push((await appendRetrying(store, `${run}.a`, i, `${run}-${i}`)).position);
    await eventually(() => expect(seen).toEqual(written), { timeoutMs: 20_000, description: 'all 100 events delivered once' });
    await sub.close();
    const more = await appendRetrying(store, `${run}.a`, 101, `${run}-101`);
    const later: number[] = [];
    const again = await store.subscribeDurable(name, (e) => void later.push(e.position), { filter: { streamPrefixes: [run] } });
    await again.caughtUp(more.position);
    expect(later).toEqual([more.position]);
    await again.close();
  });

  it('keeps every acknowledged event across a crash of the server', async () => {
    const run = newRunId('k');
    for (let i = 1; i <= 20; i++) await store.append(`${run}.x`, [{ type: 'Incremented', data: { by: i } }]);
    await server.kill();
    await server.resume();
    const events = await eventually(async () => store.readStream(`${run}.x`), { timeoutMs: 10_000 });
    expect(events.map((e) => (e.data as { by: number }).by)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('refuses to use a stream with a limit that could remove history', async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'LIMITED', subjects: ['limited.>'], max_msgs_per_subject: 5 });
    await expect(JetStreamEventStore.connect(nc, { catalog: testCatalog, streamName: 'LIMITED', subjectPrefix: 'limited' })).rejects.toThrow(
      /stream LIMITED has limits .*max_msgs_per_subject=5/,
    );
  });
});
