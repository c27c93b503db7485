import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { ContractViolation, NodeHeartbeat, Subjects, parseOrThrow } from '@plato/contracts';
import { createLogger, type Logger } from '@plato/messaging';
import { NodeLivenessMonitor } from '../liveness/node-liveness.monitor.js';

/** The DI token of the NATS connection the state-server listens on (an interface, so a symbol). */
export const NatsConnectionToken = Symbol('NatsConnection');

/**
 * Listens to every node's heartbeats (core NATS `plato.heartbeat.*`, not stored in the log) and
 * tells the {@link NodeLivenessMonitor} who is alive, and when the connection that carries them
 * drops and comes back (a silence it could not hear proves nothing). A heartbeat that fails its
 * contract, or whose `nodeId` is not its subject's, is dropped with a log line.
 */
@Injectable()
export class HeartbeatListener implements OnApplicationBootstrap, OnModuleDestroy {
  private subscription: Subscription | undefined;
  private readonly logger: Logger = createLogger('heartbeat-listener');

  constructor(
    @Inject(NatsConnectionToken) private readonly nc: NatsConnection,
    @Inject(NodeLivenessMonitor) private readonly liveness: NodeLivenessMonitor,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.nc.subscribe(Subjects.heartbeatAll, {
      callback: (error, msg) => {
        if (error) this.logger.error({ err: error }, 'heartbeat subscription failed');
        else this.receive(msg);
      },
    });
    void this.watchConnection().catch((error: unknown) => this.logger.debug({ err: error }, 'NATS status stream ended'));
  }

  private async watchConnection(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect') this.liveness.listeningStopped();
      else if (status.type === 'reconnect') this.liveness.listeningResumed();
    }
  }

  async onModuleDestroy(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    if (subscription && !this.nc.isClosed()) await subscription.drain();
  }

  private receive(msg: Msg): void {
    try {
      const heartbeat = parseOrThrow(NodeHeartbeat, parseJson(msg), msg.subject);
      if (msg.subject !== Subjects.heartbeat(heartbeat.nodeId)) {
        throw new ContractViolation(msg.subject, [{ path: 'nodeId', message: `'${heartbeat.nodeId}' is not the node of the subject` }]);
      }
      this.liveness.seen(heartbeat.nodeId);
    } catch (error) {
      this.logger.warn({ err: error, subject: msg.subject }, 'dropped an invalid heartbeat');
    }
  }
}

function parseJson(msg: Msg): unknown {
  try {
    return msg.json();
  } catch {
    throw new ContractViolation(msg.subject, [{ path: '', message: 'the heartbeat is not JSON' }]);
  }
}
