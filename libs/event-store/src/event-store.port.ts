import { PlatoError, ErrorCode } from '@plato/contracts';

/**
 * What a caller expects of a stream before an append (EventStoreDB's expected-revision states):
 * - `'any'`: no check;
 * - `'no_stream'`: the stream must have no event yet;
 * - `'stream_exists'`: the stream must have at least one event;
 * - a number `n`: the stream's last event must be at position `n` (its current revision).
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

/** An event to append. `type` must be declared in the store's {@link EventCatalog}. */
export interface EventData {
  type: string;
  data: unknown;
  /** Free-form string metadata (correlation and causation ids, the actor). */
  metadata?: Record<string, string>;
}

/** Options of {@link EventStore.append}. */
export interface AppendOptions {
  expectedRevision?: ExpectedRevision;
  /**
   * Makes the append idempotent: an append retried with the same id (within the log's duplicate
   * window, two minutes by default) writes nothing and returns the first append's result.
   * Plato passes the command id.
   */
  messageId?: string;
}

/**
 * What an append wrote. A stream's **revision** is the global position of its last event: it
 * grows with every append to that stream but is not dense (other streams' events lie between).
 */
export interface AppendResult {
  /** The stream's revision after the append: pass it as `expectedRevision` of the next one. */
  nextExpectedRevision: number;
  /** Global position of the append (shared by all its events). */
  position: number;
  /** True when `messageId` matched an earlier append and nothing was written. */
  duplicate: boolean;
}

/** An event as the log holds it. */
export interface RecordedEvent<D = unknown> {
  stream: string;
  type: string;
  /** Schema version of `type` the event was written with. */
  version: number;
  data: D;
  metadata: Record<string, string>;
  /**
   * Global position in the log of the append that wrote the event (1-based, increasing). Events of
   * one append share it (EventStoreDB's commit position) and are told apart by `index`. It is also
   * the stream's revision after that append.
   */
  position: number;
  /** Index of the event within its append (0 for the first). */
  index: number;
  created: Date;
}

/** Where a catch-up read or subscription starts. A number means "after this position". */
export type FromPosition = 'start' | 'end' | number;

/**
 * Selects events by stream and/or event type. An event passes if its stream is one of `streams`
 * or lies under one of `streamPrefixes` (or neither is given), and its type is one of `eventTypes`
 * (or none is given).
 */
export interface EventFilter {
  /** Whole streams, by exact name. */
  streams?: string[];
  /** Streams strictly under a prefix: `alloc.node-1` selects `alloc.node-1.a7`, not `alloc.node-1`. */
  streamPrefixes?: string[];
  /** Event types. */
  eventTypes?: string[];
}

/** Options of {@link EventStore.readStream}. */
export interface ReadStreamOptions {
  /** Read events after this revision (default: from the first). */
  fromRevision?: number;
  maxCount?: number;
}

/** Options of {@link EventStore.readAll}. */
export interface ReadAllOptions {
  /** Read events at or after this position (default: 1). */
  fromPosition?: number;
  maxCount?: number;
  filter?: EventFilter;
}

/** Options of {@link EventStore.subscribeToAll}. */
export interface SubscribeOptions {
  /** Default `'start'`. A number: deliver the events after that position. */
  fromPosition?: FromPosition;
  filter?: EventFilter;
}

/** Handles one event of a subscription; the next event is delivered after it settles. */
export type EventHandler = (event: RecordedEvent) => void | Promise<void>;

/** A running subscription. */
export interface Subscription {
  /** Position of the last event the handler finished, 0 before the first. */
  readonly position: number;
  /** Resolves after the handler has finished every event up to and including `position`. */
  caughtUp(position: number): Promise<void>;
  /** Stops delivery (and, for a durable subscription, records its position). */
  close(): Promise<void>;
  /** Settles when the subscription ends: resolves on `close()`, rejects if the handler threw. */
  readonly closed: Promise<void>;
}

/**
 * The event log. Shaped like EventStoreDB's client so that an adapter for it can be added where such
 * a server exists; JetStream is the production adapter and an in-memory one serves pure unit tests.
 *
 * Invariants every adapter keeps (checked by one contract suite run against each):
 * - positions are global, 1-based, increasing across appends, and never reused;
 * - an append is all or nothing (one position for all its events), and checks its expected
 *   revision atomically;
 * - every event is checked against the catalog before anything is written;
 * - subscriptions deliver in position order, after catching up, with no gap and no duplicate, and
 *   survive a restart of the server behind the store.
 */
export abstract class EventStore {
  /**
   * Appends `events` to `stream` atomically. Throws {@link WrongExpectedRevision} (nothing written)
   * when the stream's revision is not what `expectedRevision` says, and a ContractViolation when an
   * event fails its schema.
   */
  abstract append(stream: string, events: EventData[], options?: AppendOptions): Promise<AppendResult>;

  /** Reads one stream in order. An unknown stream reads as empty. */
  abstract readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /** The stream's revision (its last event's position), or 0 when it has no event. */
  abstract streamRevision(stream: string): Promise<number>;

  /** Reads the whole log in order, from a position, up to the last event at the time of the call. */
  abstract readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;

  /** The position of the last event in the log, 0 when it is empty. */
  abstract lastPosition(): Promise<number>;

  /** Catch-up subscription: delivers the existing events after `fromPosition`, then live ones. */
  abstract subscribeToAll(handler: EventHandler, options?: SubscribeOptions): Promise<Subscription>;

  /**
   * A durable named subscription: it records the position of the events its handler finished and a
   * later subscription with the same name resumes after it (at-least-once across a crash of the
   * subscriber: the handler may see again the events finished since the last recorded position, and
   * can tell them by `position`). `fromPosition` applies only when the name has no record yet.
   */
  abstract subscribeDurable(name: string, handler: EventHandler, options?: SubscribeOptions): Promise<Subscription>;

  /** Releases what the store holds open (not the connection it was given). */
  abstract close(): Promise<void>;
}

/** The stream's revision is not what the append expected; nothing was written. */
export class WrongExpectedRevision extends PlatoError {
  /** The stream's revision when the append was refused, `'no_stream'` when it had no event. */
  readonly actual: number | 'no_stream';

  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    actualRevision: number | 'no_stream',
  ) {
    const actual = actualRevision === 0 ? 'no_stream' : actualRevision;
    super(ErrorCode.WrongExpectedRevision, `stream ${stream}: expected revision ${String(expected)}, actual ${String(actual)}`, {
      stream,
      expected,
      actual,
    });
    this.actual = actual;
  }
}
