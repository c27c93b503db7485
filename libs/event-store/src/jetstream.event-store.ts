import { Subjects, type EventCatalog } from '@plato/contracts';
import {
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  PubHeaders,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type Consumer,
  type JetStreamClient,
  type JetStreamManager,
  type OrderedConsumerOptions,
  type StreamConfig,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { headers, nanos, type NatsConnection } from '@nats-io/transport-node';
import { checkStreamName, prepareAppend, recordAppend, type StoredEvent } from './event-codec.js';
import { passesFilter } from './event-filter.js';
import { JetStreamPublisher } from './jetstream.publisher.js';
import {
  EventStore,
  WrongExpectedRevision,
  type AppendOptions,
  type AppendResult,
  type EventData,
  type EventFilter,
  type EventHandler,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from './event-store.port.js';
import { SubscriptionRunner } from './subscription.runner.js';

/** Header carrying the event type(s) of an append, comma-separated in order. */
export const EventTypeHeader = 'Plato-Event-Type';

/** Options of {@link JetStreamEventStore.connect}. */
export interface JetStreamEventStoreOptions {
  /** The events this log accepts; every append is checked against it. */
  catalog: EventCatalog;
  /** JetStream stream name (default `PLATO_EVENTS`). */
  streamName?: string;
  /** Subject prefix (default `plato.ev`); stream `a.b` lives on subject `<prefix>.a.b`. */
  subjectPrefix?: string;
  /** KV bucket of durable subscriptions' positions (default `PLATO_SUBSCRIPTIONS`). */
  checkpointBucket?: string;
  /** Duplicate window of idempotent appends, in ms (default 120 000). */
  duplicateWindowMs?: number;
  /** How often a durable subscription records its position, in ms (default 200). */
  checkpointIntervalMs?: number;
  /** Messages a consumer pulls per batch (default 4 096: the fastest of 256/1 024/4 096 in tools/bench/event-store). */
  batchSize?: number;
  /** How long an append waits for JetStream's ack before it fails, in ms (default 5 000). */
  appendTimeoutMs?: number;
}

/**
 * Appends of one stream {@link JetStreamEventStore.readStream} fetches by direct gets, one request
 * each, before it reads the rest of a longer stream through an ordered consumer (about five
 * requests to set up and remove, then batches).
 */
const directReadLimit = 8;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * The production event store: one JetStream stream (`PLATO_EVENTS`, file storage, no limits of age,
 * count or size), one subject per stream (`plato.ev.<stream>`), one message per append holding its
 * events as a JSON array, the types in the `Plato-Event-Type` header. Expected revisions go through
 * `Nats-Expected-Last-Subject-Sequence`, idempotency through `Nats-Msg-Id`. A stream is read by
 * direct gets (its last append, then each append by `next_by_subj`) while it is short, and through
 * an ordered consumer past {@link directReadLimit} appends; the whole log and subscriptions use
 * ordered consumers, which the client recreates after a reconnect from the last position seen.
 * See docs/event-store.md.
 */
export class JetStreamEventStore extends EventStore {
  private readonly subscriptions = new Set<SubscriptionRunner>();
  private readonly publisher: JetStreamPublisher;
  private checkpoints: KV | undefined;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly options: Required<JetStreamEventStoreOptions>,
  ) {
    super();
    this.publisher = new JetStreamPublisher(nc, options.appendTimeoutMs);
  }

  /**
   * Binds to (creating if missing) the event stream on `nc`. Refuses a stream that has any limit
   * that could remove history, since a removed history would let an "expected no_stream" append
   * succeed again.
   */
  static async connect(nc: NatsConnection, options: JetStreamEventStoreOptions): Promise<JetStreamEventStore> {
    const resolved: Required<JetStreamEventStoreOptions> = {
      streamName: Subjects.eventStream,
      subjectPrefix: Subjects.eventPrefix,
      checkpointBucket: Subjects.subscriptionBucket,
      duplicateWindowMs: 120_000,
      checkpointIntervalMs: 200,
      batchSize: 4096,
      appendTimeoutMs: 5_000,
      ...options,
    };
    const jsm = await jetstreamManager(nc);
    const config: Partial<StreamConfig> & { name: string } = {
      name: resolved.streamName,
      subjects: [`${resolved.subjectPrefix}.>`],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      max_age: 0,
      max_msgs: -1,
      max_bytes: -1,
      max_msgs_per_subject: -1,
      duplicate_window: nanos(resolved.duplicateWindowMs),
      allow_direct: true,
      num_replicas: 1,
    };
    try {
      const info = await jsm.streams.info(resolved.streamName);
      const c = info.config;
      const limited = c.max_age > 0 || c.max_msgs > 0 || c.max_bytes > 0 || (c.max_msgs_per_subject ?? -1) > 0;
      if (limited) {
        throw new Error(
          `stream ${resolved.streamName} has limits (max_age=${c.max_age}, max_msgs=${c.max_msgs}, max_bytes=${c.max_bytes}, ` +
            `max_msgs_per_subject=${c.max_msgs_per_subject}) that would remove events; remove them before Plato uses it`,
        );
      }
      if (!c.allow_direct) await jsm.streams.update(resolved.streamName, { ...c, allow_direct: true });
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
      await jsm.streams.add(config);
    }
    return new JetStreamEventStore(nc, jetstream(nc), jsm, resolved);
  }

  async append(stream: string, events: EventData[], options: AppendOptions = {}): Promise<AppendResult> {
    const stored = prepareAppend(this.options.catalog, stream, events);
    const expected = options.expectedRevision ?? 'any';
    let lastSubjectSequence: number | undefined;
    if (expected === 'no_stream') lastSubjectSequence = 0;
    else if (typeof expected === 'number') lastSubjectSequence = expected;
    else if (expected === 'stream_exists') {
      lastSubjectSequence = await this.streamRevision(stream);
      if (lastSubjectSequence === 0) throw new WrongExpectedRevision(stream, expected, 0);
    }
    const h = headers();
    h.set(EventTypeHeader, stored.map((e) => e.type).join(','));
    if (options.messageId !== undefined) h.set(PubHeaders.MsgIdHdr, options.messageId);
    if (lastSubjectSequence !== undefined) h.set(PubHeaders.ExpectedLastSubjectSequenceHdr, String(lastSubjectSequence));
    try {
      const ack = await this.publisher.publish(this.subject(stream), encoder.encode(JSON.stringify(stored)), h);
      return { nextExpectedRevision: ack.seq, position: ack.seq, duplicate: ack.duplicate };
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamWrongLastSequence) {
        throw new WrongExpectedRevision(stream, expected, await this.streamRevision(stream));
      }
      throw error;
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    checkStreamName(stream);
    const subject = this.subject(stream);
    const from = options.fromRevision ?? 0;
    const maxCount = options.maxCount ?? Infinity;
    const events: RecordedEvent[] = [];
    const last = await this.jsm.direct.getMessage(this.options.streamName, { last_by_subj: subject });
    if (!last || last.seq <= from || maxCount <= 0) return events;
    let next = from + 1;
    for (let gets = 0; gets < directReadLimit; gets++) {
      const msg = next === last.seq ? last : await this.jsm.direct.getMessage(this.options.streamName, { seq: next, next_by_subj: subject });
      if (!msg || msg.seq > last.seq) return events;
      for (const event of this.decode(msg, msg.time)) {
        if (events.length >= maxCount) return events;
        events.push(event);
      }
      if (msg.seq === last.seq || events.length >= maxCount) return events;
      next = msg.seq + 1;
    }
    for await (const event of this.read(subject, next, maxCount - events.length)) events.push(event);
    return events;
  }

  async streamRevision(stream: string): Promise<number> {
    checkStreamName(stream);
    const last = await this.jsm.direct.getMessage(this.options.streamName, { last_by_subj: this.subject(stream) });
    return last?.seq ?? 0;
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
        let count = 0;
    for await (const event of this.read(this.filterSubject(options.filter), options.fromPosition ?? 1, undefined)) {
      if (!passesFilter(options.filter, event.stream, event.type)) continue;
      if (options.maxCount !== undefined && count >= options.maxCount) return;
      count++;
      yield event;
    }
  }

  async lastPosition(): Promise<number> {
    const info = await this.jsm.streams.info(this.options.streamName);
    return info.state.last_seq;
  }

  async subscribeToAll(handler: EventHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    return this.subscribe(handler, options, undefined);
  }

  async subscribeDurable(name: string, handler: EventHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`durable subscription name '${name}' must be letters, digits, '_' or '-'`);
    const kv = await this.checkpointBucket();
    const entry = await kv.get(name);
    const recorded = entry && entry.operation === 'PUT' ? Number(entry.string()) : undefined;
    return this.subscribe(handler, recorded !== undefined ? { ...options, fromPosition: recorded } : options, { kv, name });
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.publisher.close();
  }

  private subject(stream: string): string {
    return `${this.options.subjectPrefix}.${stream}`;
  }

  /**
   * The server-side filter subject of a consumer: the one subject a filter names, or the whole log
   * when it names several (the client filters then; nats-server 2.10 miscounts pending messages of
   * multi-filter consumers, which reads rely on to know they reached the end).
   */
  private filterSubject(filter: EventFilter | undefined): string {
    const subjects = [
      ...(filter?.streams ?? []).map((stream) => (checkStreamName(stream), this.subject(stream))),
      ...(filter?.streamPrefixes ?? []).map((prefix) => (checkStreamName(prefix), `${this.subject(prefix)}.>`)),
    ];
    return subjects.length === 1 ? subjects[0]! : `${this.options.subjectPrefix}.>`;
  }

  private decode(msg: { subject: string; data: Uint8Array; seq: number }, created: Date): RecordedEvent[] {
    const stream = msg.subject.slice(this.options.subjectPrefix.length + 1);
    const stored = JSON.parse(decoder.decode(msg.data)) as StoredEvent[];
    return recordAppend(stream, msg.seq, created, stored);
  }

  private async orderedConsumer(subject: string, startSeq: number): Promise<Consumer> {
    const options: Partial<OrderedConsumerOptions> = {
      filter_subjects: subject,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: Math.max(1, startSeq),
    };
    return this.js.consumers.get(this.options.streamName, options);
  }

  /** Reads the appends on `subjects` from `startSeq` until none is pending, then stops. */
  private async *read(subject: string, startSeq: number, maxCount: number | undefined): AsyncIterable<RecordedEvent> {
    const consumer = await this.orderedConsumer(subject, startSeq);
    try {
      const info = await consumer.info(true);
      if (info.num_pending === 0) return;
      const messages = await consumer.consume({ max_messages: this.options.batchSize });
      let count = 0;
      for await (const msg of messages) {
        for (const event of this.decode(msg, msg.time)) {
          if (maxCount !== undefined && count >= maxCount) break;
          count++;
          yield event;
        }
        if (msg.info.pending === 0 || (maxCount !== undefined && count >= maxCount)) break;
      }
      await messages.close();
    } finally {
      await consumer.delete().catch(() => undefined);
    }
  }

  private async subscribe(
    handler: EventHandler,
    options: SubscribeOptions,
    durable: { kv: KV; name: string } | undefined,
  ): Promise<Subscription> {
    const from = options.fromPosition ?? 'start';
    const start = from === 'start' ? 0 : from === 'end' ? await this.lastPosition() : from;
    const consumer = await this.orderedConsumer(this.filterSubject(options.filter), start + 1);
    const messages = await consumer.consume({ max_messages: this.options.batchSize, expires: 5_000 });
    let recorded = start;
    /**
     * The consumer and delivery sequence of the last message handled. Caught up means the consumer
     * has nothing pending and delivered nothing beyond it (its `delivered.stream_seq` is no help:
     * on a filtered consumer it jumps to the stream's end past the messages the filter skips).
     */
    let finished = { consumer: (await consumer.info(true)).name, delivery: 0 };
    const record = async (): Promise<void> => {
      if (!durable || runner.position === recorded) return;
      const position = runner.position;
      await durable.kv.put(durable.name, String(position));
      recorded = position;
    };
    const timer = durable ? setInterval(() => void record().catch(() => undefined), this.options.checkpointIntervalMs) : undefined;
    const runner: SubscriptionRunner = new SubscriptionRunner(
      handler,
      start,
      async () => {
        if (timer) clearInterval(timer);
        this.subscriptions.delete(runner);
        await messages.close().catch(() => undefined);
        await record().catch(() => undefined);
        await consumer.delete().catch(() => undefined);
      },
      async () => {
        const info = await consumer.info();
        return info.num_pending === 0 && info.name === finished.consumer && info.delivered.consumer_seq === finished.delivery;
      },
    );
    this.subscriptions.add(runner);
    void (async () => {
      try {
        for await (const msg of messages) {
          if (runner.isEnded) break;
          const events = this.decode(msg, msg.time).filter((e) => passesFilter(options.filter, e.stream, e.type));
          if (events.length === 0) runner.advance(msg.seq);
          else await runner.deliver(msg.seq, events);
          finished = { consumer: msg.info.consumer, delivery: msg.info.deliverySequence };
        }
      } catch (error) {
        runner.fail(error);
      }
    })();
    return runner;
  }

  private async checkpointBucket(): Promise<KV> {
    this.checkpoints ??= await new Kvm(this.nc).create(this.options.checkpointBucket, { history: 1 });
    return this.checkpoints;
  }
}

