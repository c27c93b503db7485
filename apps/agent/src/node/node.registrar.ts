import type { NatsConnection } from '@nats-io/transport-node';
import { NodeHeartbeat, RegisterNode, Subjects, parseOrThrow, type RequestOf, type Runtime } from '@plato/contracts';
import { structuralEqual } from '@plato/domain';
import { createLogger, encodeJson, request, type Logger } from '@plato/messaging';

/** The facts an agent registers its node with. */
export type NodeFacts = Omit<RequestOf<typeof RegisterNode>, 'commandId'>;

/** Options of {@link NodeRegistrar}. */
export interface NodeRegistrarOptions {
  /** Milliseconds between heartbeats. */
  heartbeatMs: number;
  /** First wait before registering again when nobody answered (default 250 ms, doubling up to 2 s). */
  retryMs?: number;
  /** Distinguishes this agent process's registration from an earlier one's (default: now). */
  incarnation?: number;
  logger?: Logger;
}

/**
 * Registers the node with the state-server (RegisterNode, retried until it is answered; the same
 * facts write nothing there), then publishes a {@link NodeHeartbeat} on `plato.heartbeat.<nodeId>`
 * every `heartbeatMs` (core NATS, fire and forget: while NATS is away the client buffers and the
 * state-server judges liveness). `update` registers again with new facts (another runtime
 * offered, a runtime unavailable or back); the latest facts win. Nothing here blocks the
 * reconcile loop.
 */
export class NodeRegistrar {
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private registering: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private closed = false;
  private registeredOnce = false;
  private generation = 0;
  private readonly firstAccepted: Promise<void>;
  private accept!: () => void;

  constructor(
    private readonly nc: NatsConnection,
    private facts: NodeFacts,
    private readonly options: NodeRegistrarOptions,
  ) {
    this.logger = options.logger ?? createLogger('agent-registrar');
    this.firstAccepted = new Promise((resolve) => (this.accept = resolve));
  }

  /** Registers again with `facts` when they differ from the last ones given. */
  update(facts: NodeFacts): void {
    if (structuralEqual(facts, this.facts)) return;
    this.facts = facts;
    this.generation += 1;
    if (this.closed) return;
    this.registering ??= this.register().finally(() => (this.registering = undefined));
    this.wake?.();
  }

  /** True once the state-server accepted the registration. */
  get registered(): boolean {
    return this.registeredOnce;
  }

  /** Starts registering in the background; heartbeats begin once it is accepted. */
  start(): void {
    this.registering ??= this.register().finally(() => (this.registering = undefined));
  }

  /** Resolves once the first registration was accepted (or the registrar was closed). */
  async whenRegistered(): Promise<void> {
    await this.firstAccepted;
  }

  /** Stops registering and heartbeating. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.wake?.();
    this.accept();
    await this.registering;
  }

  private async register(): Promise<void> {
    const incarnation = this.options.incarnation ?? Date.now();
    let backoff = this.options.retryMs ?? 250;
    for (let attempt = 1; !this.closed; attempt++) {
      const generation = this.generation;
      const facts = this.facts;
      try {
        const reply = await request(this.nc, RegisterNode, { ...facts, commandId: `${facts.nodeId}:register:${incarnation}:${generation}` });
        this.logger.info({ nodeId: facts.nodeId, runtimes: facts.runtimes, unavailable: facts.unavailableRuntimes ?? [], events: reply.events.map((e) => e.type) }, 'node registered');
        if (!this.registeredOnce) {
          this.registeredOnce = true;
          this.accept();
          this.heartbeat();
          this.timer = setInterval(() => this.heartbeat(), this.options.heartbeatMs);
        }
        if (generation === this.generation) return;
        backoff = this.options.retryMs ?? 250;
        attempt = 0;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (attempt === 1) this.logger.warn({ reason }, 'registration not answered; trying again until it is');
        else this.logger.debug({ reason, attempt, retryInMs: backoff }, 'registration still not answered');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, backoff);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
        backoff = Math.min(backoff * 2, 2_000);
      }
    }
  }

  private heartbeat(): void {
    if (this.closed || this.nc.isClosed()) return;
    const beat = parseOrThrow(
      NodeHeartbeat,
      { nodeId: this.facts.nodeId, at: new Date().toISOString(), runtimes: this.facts.runtimes as Runtime[] },
      Subjects.heartbeat(this.facts.nodeId),
    );
    try {
      this.nc.publish(Subjects.heartbeat(this.facts.nodeId), encodeJson(beat));
    } catch (error) {
      this.logger.warn({ err: error }, 'heartbeat not published');
    }
  }
}
