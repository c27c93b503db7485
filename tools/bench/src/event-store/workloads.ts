import { EventCatalog, defineEvent } from '@plato/contracts';
import { EventTypeHeader, JetStreamEventStore, type EventStore } from '@plato/event-store';
import { DeliverPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { headers, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { pool } from './meter.js';

/** The one event type of the benchmark, declared like the contract suite's counter. */
export const Incremented = defineEvent('Incremented', 1, z.strictObject({ by: z.int().min(1) }));
export const benchCatalog = new EventCatalog([Incremented]);

/** The event every append writes, as a caller passes it to the port. */
export const incremented = { type: 'Incremented', data: { by: 1 } } as const;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The body the adapter writes for one `incremented` event (checked against it in `checkBodyFormat`). */
export const rawBody = encoder.encode(JSON.stringify([{ type: 'Incremented', version: 1, data: { by: 1 } }]));

/** The headers the adapter sets on an append of one `Incremented` event. */
export function rawHeaders(): MsgHdrs {
  const h = headers();
  h.set(EventTypeHeader, 'Incremented');
  return h;
}

/** A JetStream stream of the event store's exact configuration (made by the adapter itself). */
export interface BenchLog {
  streamName: string;
  subjectPrefix: string;
  store: JetStreamEventStore;
}

export async function openLog(nc: NatsConnection, streamName: string, subjectPrefix: string, batchSize?: number): Promise<BenchLog> {
  const store = await JetStreamEventStore.connect(nc, {
    catalog: benchCatalog,
    streamName,
    subjectPrefix,
    ...(batchSize !== undefined ? { batchSize } : {}),
  });
  return { streamName, subjectPrefix, store };
}

export async function messageCount(jsm: JetStreamManager, streamName: string): Promise<number> {
  return (await jsm.streams.info(streamName)).state.messages;
}

/** Fails unless the stream holds exactly `expected` messages (so a rate never counts lost writes). */
export async function expectCount(jsm: JetStreamManager, streamName: string, expected: number): Promise<void> {
  const actual = await messageCount(jsm, streamName);
  if (actual !== expected) throw new Error(`stream ${streamName} holds ${actual} messages, expected ${expected}`);
}

/** Checks that the raw body equals what the adapter writes, by appending through it and reading the message. */
export async function checkBodyFormat(nc: NatsConnection, jsm: JetStreamManager): Promise<void> {
  const log = await openLog(nc, 'BENCH_FORMAT', 'bench.format');
  const { position } = await log.store.append('probe', [incremented], { expectedRevision: 'no_stream' });
  const msg = await jsm.direct.getMessage(log.streamName, { seq: position });
  const written = msg ? decoder.decode(msg.data) : '';
  const type = msg?.header?.get(EventTypeHeader);
  await jsm.streams.delete(log.streamName);
  if (written !== decoder.decode(rawBody) || type !== 'Incremented') {
    throw new Error(`the adapter writes body ${written} / type header ${String(type)}, the raw baseline would write ${decoder.decode(rawBody)}`);
  }
}

/** Sequential appends through the port, rotating over `streams` streams, each awaiting the previous. */
export async function portSequential(store: EventStore, count: number, streams: number): Promise<void> {
  const revisions = new Array<number>(streams).fill(0);
  for (let i = 0; i < count; i++) {
    const s = i % streams;
    const previous = revisions[s]!;
    const result = await store.append(`s${s}`, [incremented], { expectedRevision: previous === 0 ? 'no_stream' : previous });
    revisions[s] = result.nextExpectedRevision;
  }
}

/** The same sequence as {@link portSequential} with bare `js.publish` calls. */
export async function rawSequential(js: JetStreamClient, subjectPrefix: string, count: number, streams: number): Promise<void> {
  const revisions = new Array<number>(streams).fill(0);
  for (let i = 0; i < count; i++) {
    const s = i % streams;
    const ack = await js.publish(`${subjectPrefix}.s${s}`, rawBody, { headers: rawHeaders(), expect: { lastSubjectSequence: revisions[s]! } });
    revisions[s] = ack.seq;
  }
}

/**
 * `count` appends of one event over `streams` streams (append i goes to stream i mod streams), at most
 * `concurrency` in flight. Each append to a stream expects the revision its previous append returned
 * ('no_stream' for the first), waiting for that append if it is still in flight.
 */
async function concurrentAppends(
  count: number,
  streams: number,
  concurrency: number,
  append: (stream: number, expected: number) => Promise<number>,
): Promise<void> {
  const last = new Array<Promise<number> | undefined>(streams);
  await pool(count, concurrency, async (i) => {
    const s = i % streams;
    const previous = last[s];
    const next = (async () => append(s, previous ? await previous : 0))();
    last[s] = next;
    await next;
  });
}

export function portConcurrent(store: EventStore, count: number, streams: number, concurrency: number): Promise<void> {
  return concurrentAppends(count, streams, concurrency, async (s, expected) => {
    const result = await store.append(`s${s}`, [incremented], { expectedRevision: expected === 0 ? 'no_stream' : expected });
    return result.nextExpectedRevision;
  });
}

export function rawConcurrent(js: JetStreamClient, subjectPrefix: string, count: number, streams: number, concurrency: number): Promise<void> {
  return concurrentAppends(count, streams, concurrency, async (s, expected) => {
    const ack = await js.publish(`${subjectPrefix}.s${s}`, rawBody, { headers: rawHeaders(), expect: { lastSubjectSequence: expected } });
    return ack.seq;
  });
}

/**
 * Seeds `count` one-event appends over `streams` subjects as fast as the server takes them: core NATS
 * publishes without acks (a flush every `chunk` so the socket never backs up unboundedly), then
 * waits until the stream holds them all (failing after `waitMs`).
 */
export async function seed(
  nc: NatsConnection,
  jsm: JetStreamManager,
  log: { streamName: string; subjectPrefix: string },
  count: number,
  streams: number,
  chunk = 10_000,
  waitMs = 120_000,
): Promise<void> {
  const base = await messageCount(jsm, log.streamName);
  const h = rawHeaders();
  for (let i = 0; i < count; i++) {
    nc.publish(`${log.subjectPrefix}.s${i % streams}`, rawBody, { headers: h });
    if ((i + 1) % chunk === 0) await nc.flush();
  }
  await nc.flush();
  const deadline = Date.now() + waitMs;
  for (;;) {
    const stored = (await messageCount(jsm, log.streamName)) - base;
    if (stored >= count) return;
    if (Date.now() > deadline) throw new Error(`seeding: the stream holds ${stored} of ${count} messages after ${waitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Replays the whole log through the port's readAll; returns the number of events seen. */
export async function portReplay(store: EventStore): Promise<number> {
  let count = 0;
  let checksum = 0;
  for await (const event of store.readAll()) {
    count++;
    checksum += event.position;
  }
  if (checksum <= 0 && count > 0) throw new Error('replay saw no positions');
  return count;
}

/**
 * Replays a stream with a bare ordered consumer, as the adapter does (same filter, start sequence,
 * batch size, end detection by `info.pending`), optionally JSON-parsing each body; returns the count.
 */
export async function rawReplay(js: JetStreamClient, log: { streamName: string; subjectPrefix: string }, batchSize: number, parse: boolean): Promise<number> {
  const consumer = await js.consumers.get(log.streamName, {
    filter_subjects: `${log.subjectPrefix}.>`,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: 1,
  });
  let count = 0;
  let checksum = 0;
  try {
    const info = await consumer.info(true);
    if (info.num_pending === 0) return 0;
    const messages = await consumer.consume({ max_messages: batchSize });
    for await (const msg of messages) {
      if (parse) checksum += (JSON.parse(decoder.decode(msg.data)) as unknown[]).length;
      else checksum += msg.data.length;
      count++;
      if (msg.info.pending === 0) break;
    }
    await messages.close();
  } finally {
    await consumer.delete().catch(() => undefined);
  }
  if (checksum <= 0 && count > 0) throw new Error('replay saw empty bodies');
  return count;
}
