import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ContractViolation, ErrorCode, PlatoError, parseOrThrow } from '@plato/contracts';
import { EventStore, type EventFilter, type RecordedEvent, type Subscription } from '@plato/event-store';
import type { Request, Response } from 'express';
import { EventStreamQuery, type LiveEvent } from '../openapi/http.schemas.js';

/** Settings of the live event stream. */
export class EventStreamSettings {
  constructor(
    /** Milliseconds between keep-alive comments on an idle stream. */
    readonly keepAliveMs = 15_000,
    /** Milliseconds a client's EventSource waits before reconnecting (the `retry:` field). */
    readonly retryMs = 1_000,
  ) {}
}

/**
 * Serves the live event log as server-sent events. Each event is written as
 * `id: <position>:<index>` (events of one append share a position and differ by index),
 * `event: <type>`, `data: <LiveEvent JSON>`. A client resumes after the event in its
 * `Last-Event-ID` header (or after the whole position `?from=`): a catch-up subscription delivers
 * every later event once, in order, so a reconnect — even between two events of one append —
 * sees no duplicate and no gap. Without either it starts at the end of the log. `?stream=` keeps
 * the stream of that name and the streams under it.
 */
@Injectable()
export class EventStreamService implements OnModuleDestroy {
  private readonly open = new Set<() => Promise<void>>();

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(EventStreamSettings) private readonly settings: EventStreamSettings,
  ) {}

  /** Streams events to `response` until the client goes away or the gateway stops. */
  async stream(request: Request, response: Response, query: unknown, lastEventId: string | undefined): Promise<void> {
    const { from, stream } = parseOrThrow(EventStreamQuery, query, 'query');
    const resume = lastEventId === undefined ? (from === undefined ? undefined : { position: from, index: Infinity }) : eventIdOf(lastEventId);
    const filter: EventFilter | undefined = stream ? { streams: [stream], streamPrefixes: [stream] } : undefined;
    const writer = new SseWriter(response, this.settings.retryMs);
    const deliver = (event: RecordedEvent) =>
      resume && event.position === resume.position && event.index <= resume.index ? undefined : writer.event(event);
    const fromPosition = resume === undefined ? 'end' : resume.index === Infinity ? resume.position : resume.position - 1;
    let subscription: Subscription;
    try {
      subscription = await this.store.subscribeToAll(deliver, { fromPosition, filter });
    } catch (error) {
      throw new PlatoError(ErrorCode.Unavailable, `cannot subscribe to the event log: ${error instanceof Error ? error.message : String(error)}`);
    }
    writer.start();
    const keepAlive = setInterval(() => writer.comment('keep-alive'), this.settings.keepAliveMs);
    keepAlive.unref();
    const close = async (): Promise<void> => {
      if (!this.open.delete(close)) return;
      clearInterval(keepAlive);
      writer.end();
      await subscription.close();
    };
    this.open.add(close);
    request.once('close', () => void close());
    subscription.closed.catch(() => undefined).finally(() => void close());
  }

  /** Ends every open stream, so the HTTP server can close. */
  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.open].map((close) => close()));
  }
}

/** Writes server-sent events to one response, waiting for it to drain when the client reads slowly. */
class SseWriter {
  private started = false;
  private ended = false;

  constructor(
    private readonly response: Response,
    private readonly retryMs: number,
  ) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.response.status(200);
    this.response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    this.response.setHeader('Cache-Control', 'no-cache, no-transform');
    this.response.setHeader('Connection', 'keep-alive');
    this.response.setHeader('X-Accel-Buffering', 'no');
    this.response.flushHeaders();
    this.response.write(`retry: ${this.retryMs}\n\n`);
  }

  async event(event: RecordedEvent): Promise<void> {
    const data: LiveEvent = { stream: event.stream, type: event.type, position: event.position, created: event.created.toISOString(), data: event.data };
    await this.write(`id: ${event.position}:${event.index}\nevent: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  comment(text: string): void {
    void this.write(`: ${text}\n\n`);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.response.writableEnded) this.response.end();
  }

  private async write(chunk: string): Promise<void> {
    this.start();
    if (this.ended || this.response.writableEnded || this.response.destroyed) return;
    if (this.response.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.response.off('drain', done);
        this.response.off('close', done);
        resolve();
      };
      this.response.once('drain', done);
      this.response.once('close', done);
    });
  }
}

/** Reads `Last-Event-ID`: `<position>:<index>` as this stream writes it, or a bare position (after all of it). */
function eventIdOf(lastEventId: string): { position: number; index: number } {
  const match = /^(\d+)(?::(\d+))?$/.exec(lastEventId.trim());
  if (!match) {
    throw new ContractViolation('request headers', [
      { path: 'Last-Event-ID', message: `must be '<position>:<index>' or a position, got '${lastEventId}'` },
    ]);
  }
  return { position: Number(match[1]), index: match[2] === undefined ? Infinity : Number(match[2]) };
}
