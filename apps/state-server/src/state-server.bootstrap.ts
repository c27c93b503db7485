import { NestFactory } from '@nestjs/core';
import type { NatsConnection } from '@nats-io/transport-node';
import type { EventStore } from '@plato/event-store';
import { RpcServer, createLogger, type Logger } from '@plato/messaging';
import { PinoNestLogger } from './pino-nest.logger.js';
import { StateServerModule } from './state-server.module.js';

/** Options of {@link startStateServer}. */
export interface StartStateServerOptions {
  /** The connection requests arrive on (the caller owns and closes it). */
  nc: NatsConnection;
  /** The event log (the caller owns and closes it). */
  eventStore: EventStore;
  logger?: Logger;
}

/** A running state-server. */
export interface RunningStateServer {
  /** Stops taking requests, answers those in flight, and stops the projections. */
  close(): Promise<void>;
}

/**
 * Starts the state-server's Nest application context on a connection and an event store. Resolves
 * once the projections are subscribed and every command and query subject is served.
 */
export async function startStateServer(options: StartStateServerOptions): Promise<RunningStateServer> {
  const logger = options.logger ?? createLogger('state-server');
  const rpc = new RpcServer(options.nc, { queue: 'plato.state-server', logger });
  const app = await NestFactory.createApplicationContext(StateServerModule.forRoot({ eventStore: options.eventStore, rpc }), {
    logger: new PinoNestLogger(logger),
  });
  await app.init();
  await options.nc.flush();
  return { close: () => app.close() };
}
