import { NestFactory } from '@nestjs/core';
import type { NatsConnection } from '@nats-io/transport-node';
import type { EventStore } from '@plato/event-store';
import { RpcServer, createLogger, type Logger } from '@plato/messaging';
import { Clock, SystemClock } from './clock/clock.port.js';
import { StateServerConfig } from './config/state-server.config.js';
import { PinoNestLogger } from './pino-nest.logger.js';
import { StateServerModule } from './state-server.module.js';

/** Options of {@link startStateServer}. */
export interface StartStateServerOptions {
  /** The connection requests arrive on (the caller owns and closes it). */
  nc: NatsConnection;
  /** The event log (the caller owns and closes it). */
  eventStore: EventStore;
  logger?: Logger;
  /** Settings; {@link StateServerConfig.fromEnv} when omitted. */
  config?: StateServerConfig;
  /** Where time comes from; the {@link SystemClock} when omitted. */
  clock?: Clock;
}

/** A running state-server. */
export interface RunningStateServer {
  /** Stops taking requests and heartbeats, answers those in flight, and stops liveness and the projections. */
  close(): Promise<void>;
}

/**
 * Starts the state-server's Nest application context on a connection and an event store. Resolves
 * once the projections are subscribed, every command and query subject is served, heartbeats are
 * listened to and the liveness monitor runs.
 */
export async function startStateServer(options: StartStateServerOptions): Promise<RunningStateServer> {
  const logger = options.logger ?? createLogger('state-server');
  const rpc = new RpcServer(options.nc, { queue: 'plato.state-server', logger });
  const app = await NestFactory.createApplicationContext(StateServerModule.forRoot({
      eventStore: options.eventStore,
      rpc,
      nc: options.nc,
      clock: options.clock ?? new SystemClock(),
      config: options.config ?? StateServerConfig.fromEnv(),
    }), {
    logger: new PinoNestLogger(logger),
  });
  await app.init();
  await options.nc.flush();
  return { close: () => app.close() };
}
