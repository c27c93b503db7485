import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ErrorCode, PlatoError } from '@plato/contracts';
import { ClusterProjection } from '@plato/domain';
import { EventStore, type Subscription } from '@plato/event-store';
import { createLogger, type Logger } from '@plato/messaging';

/** How long a reader waits for the projection to reach the log's end before UNAVAILABLE. */
const catchUpTimeoutMs = 5_000;

/**
 * The state-server's one read model: a {@link ClusterProjection} (deployments, nodes, allocations,
 * placement blockages) rebuilt at start by a catch-up subscription from the log's first event, then
 * kept live. Queries, the plan applier and the liveness monitor read it. {@link caughtUp} first
 * waits until it holds every event appended before the call (read-your-writes).
 */
@Injectable()
export class ClusterReadModel implements OnModuleInit, OnApplicationShutdown {
  private readonly projection = new ClusterProjection();
  private subscription: Subscription | undefined;
  private readonly logger: Logger = createLogger('cluster-read-model');

  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  async onModuleInit(): Promise<void> {
    this.subscription = await this.store.subscribeToAll((event) => this.projection.apply(event), { fromPosition: 'start' });
    this.subscription.closed.catch((error: unknown) => this.logger.error({ err: error }, 'the cluster projection stopped'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }

  /** The projection as it is now, without waiting (for decisions that tolerate a little lag). */
  current(): ClusterProjection {
    return this.projection;
  }

  /** Resolves with the projection once it holds every event appended before the call. */
  async caughtUp(): Promise<ClusterProjection> {
    const subscription = this.subscription;
    if (!subscription) throw new PlatoError(ErrorCode.Unavailable, 'the cluster projection is not running');
    const last = await this.store.lastPosition();
    if (this.projection.position < last) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new PlatoError(ErrorCode.Unavailable, `the cluster projection did not reach position ${last} within ${catchUpTimeoutMs} ms`)),
          catchUpTimeoutMs,
        );
      });
      try {
        await Promise.race([subscription.caughtUp(last), timeout]);
      } finally {
        clearTimeout(timer);
      }
    }
    return this.projection;
  }
}
