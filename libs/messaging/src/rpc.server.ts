import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  ContractViolation,
  ErrorCode,
  PlatoError,
  issuesOf,
  parseOrThrow,
  type ParsedRequestOf,
  type ReplyOf,
  type RequestContract,
} from '@plato/contracts';
import type { Logger } from 'pino';
import { createLogger } from './logger.js';
import { encodeJson, toErrorBody, type RpcReply } from './rpc.envelope.js';

/** What a handler learns about the request besides its payload. */
export interface RpcContext {
  readonly subject: string;
}

/** Serves one contract: receives the parsed payload, returns the reply value or throws a PlatoError. */
export type RpcHandler<C extends RequestContract> = (payload: ParsedRequestOf<C>, context: RpcContext) => ReplyOf<C> | Promise<ReplyOf<C>>;

/** Options of {@link RpcServer}. */
export interface RpcServerOptions {
  /** Queue group, so that replicas of a service share the requests (default `plato`). */
  queue?: string;
  logger?: Logger;
}

/**
 * The server side of Plato's request/reply: subscribes a handler to a contract's subject, checks
 * every request against the contract (a bad one is answered with a ContractViolation naming each
 * field, and the handler never sees it), checks the handler's reply against the contract's reply
 * schema, and answers in the {@link RpcReply} envelope, mapping errors with `toErrorBody`.
 * Requests are served concurrently. Plain NATS, no framework: a Nest app registers its handlers
 * on it from a provider.
 */
export class RpcServer {
  private readonly subscriptions: Subscription[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private readonly logger: Logger;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: RpcServerOptions = {},
  ) {
    this.logger = options.logger ?? createLogger('rpc-server');
  }

  /** Starts serving `contract` with `handler`. */
  handle<C extends RequestContract>(contract: C, handler: RpcHandler<C>): void {
    const subscription = this.nc.subscribe(contract.subject, {
      queue: this.options.queue ?? 'plato',
      callback: (error, msg) => {
        if (error) {
          this.logger.error({ err: error, subject: contract.subject }, 'subscription failed');
          return;
        }
        const served = this.serve(contract, handler, msg).finally(() => this.inflight.delete(served));
        this.inflight.add(served);
      },
    });
    this.subscriptions.push(subscription);
  }

  /** Stops taking requests and waits for the ones in flight to be answered. */
  async close(): Promise<void> {
    const subscriptions = this.subscriptions.splice(0);
    await Promise.all(subscriptions.map((subscription) => (this.nc.isClosed() ? undefined : subscription.drain())));
    await Promise.all([...this.inflight]);
  }

  private async serve<C extends RequestContract>(contract: C, handler: RpcHandler<C>, msg: Msg): Promise<void> {
    let reply: RpcReply;
    try {
      const payload = parseOrThrow(contract.schema, parseJson(msg, contract.subject), contract.subject) as ParsedRequestOf<C>;
      const value = await handler(payload, { subject: contract.subject });
      const checked = contract.reply.safeParse(value);
      if (!checked.success) {
        throw new PlatoError(ErrorCode.Internal, `the reply of ${contract.subject} breaks its contract`, { issues: issuesOf(checked.error) });
      }
      reply = { ok: true, value: checked.data };
    } catch (error) {
      reply = { ok: false, error: toErrorBody(error) };
      const log = reply.error.code === ErrorCode.Internal ? this.logger.error.bind(this.logger) : this.logger.debug.bind(this.logger);
      log({ err: error, subject: contract.subject, code: reply.error.code }, 'request failed');
    }
    if (!msg.reply) return;
    try {
      msg.respond(encodeJson(reply));
    } catch (error) {
      this.logger.warn({ err: error, subject: contract.subject }, 'could not send the reply');
    }
  }
}

function parseJson(msg: Msg, subject: string): unknown {
  try {
    return JSON.parse(msg.string());
  } catch {
    throw new ContractViolation(subject, [{ path: '', message: 'the request is not JSON' }]);
  }
}
