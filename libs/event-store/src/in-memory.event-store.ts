import type { EventCatalog } from '@plato/contracts';
import { prepareAppend, recordAppend, type StoredEvent } from './event-codec.js';
import { passesFilter } from './event-filter.js';
import {
  EventStore,
  WrongExpectedRevision,
  type AppendOptions,
  type AppendResult,
  type EventData,
  type EventHandler,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from './event-store.port.js';
import { SubscriptionRunner } from './subscription.runner.js';

interface Commit {
  stream: string;
  position: number;
  events: RecordedEvent[];
}

/**
 * A fake event store held in memory, for pure unit tests of code that uses the {@link EventStore}
 * port. It keeps the port's invariants (checked by the same contract suite as the JetStream
 * adapter) but nothing survives the process, and message ids are remembered for its lifetime.
 */
export class InMemoryEventStore extends EventStore {
  private readonly commits: Commit[] = [];
  private readonly revisions = new Map<string, number>();
  private readonly byMessageId = new Map<string, { stream: string; result: AppendResult }>();
  private readonly checkpoints = new Map<string, number>();
  private readonly wakers = new Set<() => void>();

  constructor(
    private readonly catalog: EventCatalog,
    private readonly now: () => Date = () => new Date(),
  ) {
    super();
  }

  async append(stream: string, events: EventData[], options: AppendOptions = {}): Promise<AppendResult> {
    const stored: StoredEvent[] = prepareAppend(this.catalog, stream, events);
    if (options.messageId !== undefined) {
      const earlier = this.byMessageId.get(options.messageId);
      if (earlier) return { ...earlier.result, duplicate: true };
    }
    const actual = this.revisions.get(stream) ?? 0;
    const expected = options.expectedRevision ?? 'any';
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && actual === 0) ||
      (expected === 'stream_exists' && actual > 0) ||
      (typeof expected === 'number' && expected === actual);
    if (!ok) throw new WrongExpectedRevision(stream, expected, actual);
    const position = this.commits.length + 1;
    this.commits.push({ stream, position, events: recordAppend(stream, position, this.now(), stored) });
    this.revisions.set(stream, position);
    const result: AppendResult = { nextExpectedRevision: position, position, duplicate: false };
    if (options.messageId !== undefined) this.byMessageId.set(options.messageId, { stream, result });
    for (const wake of this.wakers) wake();
    return result;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = options.fromRevision ?? 0;
    const events = this.commits.filter((c) => c.stream === stream && c.position > from).flatMap((c) => c.events);
    return options.maxCount === undefined ? events : events.slice(0, options.maxCount);
  }

  async streamRevision(stream: string): Promise<number> {
    return this.revisions.get(stream) ?? 0;
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const last = this.commits.length;
    let count = 0;
    for (let i = Math.max(0, (options.fromPosition ?? 1) - 1); i < last; i++) {
      for (const event of this.commits[i]!.events) {
        if (!passesFilter(options.filter, event.stream, event.type)) continue;
        if (options.maxCount !== undefined && count >= options.maxCount) return;
        count++;
        yield event;
      }
    }
  }

  async lastPosition(): Promise<number> {
    return this.commits.length;
  }

  async subscribeToAll(handler: EventHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    return this.pump(handler, options, () => undefined);
  }

  async subscribeDurable(name: string, handler: EventHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    const recorded = this.checkpoints.get(name);
    const fromPosition = recorded ?? options.fromPosition ?? 'start';
    return this.pump(handler, { ...options, fromPosition }, (position) => this.checkpoints.set(name, position));
  }

  async close(): Promise<void> {
    for (const wake of this.wakers) wake();
  }

  private pump(handler: EventHandler, options: SubscribeOptions, record: (position: number) => void): Subscription {
    const from = options.fromPosition ?? 'start';
    const start = from === 'start' ? 0 : from === 'end' ? this.commits.length : from;
    let wake: () => void = () => undefined;
    const runner = new SubscriptionRunner(handler, start, async () => {
      this.wakers.delete(wake);
      wake();
      record(runner.position);
    });
    const loop = async (): Promise<void> => {
      while (!runner.isEnded) {
        const commit = this.commits[runner.position];
        if (!commit) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            this.wakers.add(resolve);
          });
          this.wakers.delete(wake);
          continue;
        }
        const events = commit.events.filter((e) => passesFilter(options.filter, e.stream, e.type));
        if (events.length === 0) runner.advance(commit.position);
        else await runner.deliver(commit.position, events);
        record(runner.position);
      }
    };
    void loop();
    return runner;
  }
}
