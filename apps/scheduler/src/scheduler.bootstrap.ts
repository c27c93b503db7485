import type { NatsConnection } from '@nats-io/transport-node';
import type { EventStore } from '@plato/event-store';
import { createLogger, type Logger } from '@plato/messaging';
import { SchedulerConfig } from './config/scheduler.config.js';
import { LeaderLease } from './lease/leader.lease.js';
import { PlanningLoop } from './planning/planning.loop.js';

/** Options of {@link startScheduler}. */
export interface StartSchedulerOptions {
  /** The connection for the lease and the plans (the caller owns and closes it). */
  nc: NatsConnection;
  /** The event log (the caller owns and closes it). */
  eventStore: EventStore;
  config?: SchedulerConfig;
  /** The lease bucket (default `Subjects.schedulerLeaseBucket`). */
  bucket?: string;
  logger?: Logger;
}

/** A running scheduler. */
export interface RunningScheduler {
  readonly lease: LeaderLease;
  readonly loop: PlanningLoop;
  /** Stops planning (a plan in flight is answered first), then releases the lease if held. */
  close(): Promise<void>;
}

/**
 * Starts one scheduler process's parts: the planning loop (which folds the log from its start)
 * and then the lease contest. Resolves once both run; the loop plans only while the lease is held.
 * No Nest context: there is nothing to serve and three objects to wire.
 */
export async function startScheduler(options: StartSchedulerOptions): Promise<RunningScheduler> {
  const config = options.config ?? new SchedulerConfig();
  const logger = options.logger ?? createLogger('scheduler');
  const loop = new PlanningLoop({
    nc: options.nc,
    eventStore: options.eventStore,
    leadership: { isLeader: () => lease.isLeader() },
    instance: config.instance,
    debounceMs: config.debounceMs,
    tickMs: config.tickMs,
    logger,
  });
  const lease = await LeaderLease.open(options.nc, {
    holder: config.instance,
    leaseMs: config.leaseMs,
    ...(options.bucket !== undefined ? { bucket: options.bucket } : {}),
    logger,
    onChange: (leading) => {
      logger.info({ instance: config.instance, leading }, leading ? 'leading: planning' : 'not leading: following');
      loop.leadershipChanged(leading);
    },
  });
  if (lease.durationMs !== config.leaseMs) logger.warn({ wanted: config.leaseMs, leaseMs: lease.durationMs }, 'lease cut to the bucket ttl');
  await loop.start();
  lease.start();
  return {
    lease,
    loop,
    close: async () => {
      await loop.stop();
      await lease.stop();
    },
  };
}
