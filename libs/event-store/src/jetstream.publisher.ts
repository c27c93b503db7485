import { JetStreamApiError, type ApiError } from '@nats-io/jetstream';
import { TimeoutError, createInbox, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';

/** What JetStream acknowledged of one publish. */
export interface PublishAck {
  /** The stream sequence the message got (the first one's, for a duplicate). */
  readonly seq: number;
  /** The message id was already stored within the duplicate window; nothing was written. */
  readonly duplicate: boolean;
}

interface Waiting {
  resolve(ack: PublishAck): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
}

const decoder = new TextDecoder();

/**
 * Publishes messages to JetStream and waits for each one's ack, as `js.publish` does, but with one
 * reply subscription for all acks (an inbox per publisher, a token per message) instead of the
 * client's per-request machinery, which builds an Error object and a timer promise for every
 * request (measured on 2 cores, 20 000 appends at 512 in flight: 7–10 µs of client CPU per append
 * instead of 23–29 µs). The ack is
 * the same: a stream error (wrong last sequence, …) rejects with the client's
 * `JetStreamApiError`, no stream on the subject and no answer within `timeoutMs` reject too.
 */
export class JetStreamPublisher {
  private readonly inbox = createInbox();
  private readonly waiting = new Map<string, Waiting>();
  private subscription: Subscription | undefined;
  private next = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs: number,
  ) {}

  /** Publishes `data` on `subject` with `headers` and resolves with JetStream's ack. */
  publish(subject: string, data: Uint8Array, headers: MsgHdrs): Promise<PublishAck> {
    this.subscription ??= this.nc.subscribe(`${this.inbox}.*`, { callback: (error, msg) => this.answer(error, msg) });
    const token = (this.next++).toString(36);
    return new Promise<PublishAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(token);
        reject(new TimeoutError());
      }, this.timeoutMs);
      this.waiting.set(token, { resolve, reject, timer });
      try {
        this.nc.publish(subject, data, { headers, reply: `${this.inbox}.${token}` });
      } catch (error) {
        clearTimeout(timer);
        this.waiting.delete(token);
        reject(error);
      }
    });
  }

  /** Stops listening for acks; publishes still waiting reject. */
  close(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.failAll(new Error('the JetStream publisher closed'));
  }

  private answer(error: Error | null, msg: Msg): void {
    if (error) {
      this.subscription = undefined;
      this.failAll(error);
      return;
    }
    const token = msg.subject.slice(this.inbox.length + 1);
    const waiting = this.waiting.get(token);
    if (!waiting) return;
    this.waiting.delete(token);
    clearTimeout(waiting.timer);
    try {
      if (msg.headers?.code === 503) throw new Error(`no JetStream stream stores messages on ${msg.subject}`);
      const body = JSON.parse(decoder.decode(msg.data)) as { error?: ApiError; seq?: number; duplicate?: boolean };
      if (body.error) throw new JetStreamApiError(body.error);
      if (typeof body.seq !== 'number') throw new Error('invalid JetStream ack');
      waiting.resolve({ seq: body.seq, duplicate: body.duplicate === true });
    } catch (failure) {
      waiting.reject(failure);
    }
  }

  private failAll(error: unknown): void {
    for (const [token, waiting] of this.waiting) {
      clearTimeout(waiting.timer);
      this.waiting.delete(token);
      waiting.reject(error);
    }
  }
}
