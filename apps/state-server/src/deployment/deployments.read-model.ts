import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ErrorCode, PlatoError, type DeploymentView } from '@plato/contracts';
import { DeploymentsProjection } from '@plato/domain';
import { EventStore, type Subscription } from '@plato/event-store';
import { createLogger, type Logger } from '@plato/messaging';

/** How long a query waits for the projection to reach the log's end before answering UNAVAILABLE. */
const catchUpTimeoutMs = 5_000;

/**
 * The deployments projection of the state-server: rebuilt at start by a catch-up subscription from
 * the log's first event, then kept live. Queries call {@link caughtUp} first, so a query sent after
 * a command's reply sees that command's events (read-your-writes).
 */
@Injectable()
export class DeploymentsReadModel implements OnModuleInit, OnApplicationShutdown {
  private readonly projection = new DeploymentsProjection();
  private subscription: Subscription | undefined;
  private readonly logger: Logger = createLogger('deployments-read-model');

  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  async onModuleInit(): Promise<void> {
    this.subscription = await this.store.subscribeToAll((event) => this.projection.apply(event), { fromPosition: 'start' });
    this.subscription.closed.catch((error: unknown) => this.logger.error({ err: error }, 'the deployments projection stopped'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }

  /** Resolves once the projection holds every event appended before the call. */
  async caughtUp(): Promise<DeploymentsProjection> {
    const subscription = this.subscription;
    if (!subscription) throw new PlatoError(ErrorCode.Unavailable, 'the deployments projection is not running');
    const last = await this.store.lastPosition();
    if (this.projection.position < last) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new PlatoError(ErrorCode.Unavailable, `the deployments projection did not reach position ${last} within ${catchUpTimeoutMs} ms`)),
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

  /** One deployment (deleted ones included), or undefined. */
  async get(namespace: string, name: string): Promise<DeploymentView | undefined> {
    return (await this.caughtUp()).get(namespace, name);
  }

  /** The live deployments of a namespace, or of all. */
  async list(namespace?: string): Promise<DeploymentView[]> {
    return (await this.caughtUp()).list(namespace);
  }
}
