import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ErrorCode, PlatoError } from '@plato/contracts';
import type { Logger } from 'pino';
import { createLogger } from './logger.js';
import { natsServersFromEnv } from './nats.config.js';

/** Options of {@link connectNats}. */
export interface ConnectNatsOptions {
  /** The client name the server shows (`plato-state-server`, `plato-cli`). */
  name: string;
  /** Server URLs; {@link natsServersFromEnv} when omitted. */
  servers?: string | string[];
  /** Where connection events go; a logger named after the client when omitted. */
  logger?: Logger;
  /**
   * Keep trying when no server answers the first connect (services: true, so they can start
   * before NATS). False (the default) fails fast, as a CLI should.
   */
  waitOnFirstConnect?: boolean;
  /** Milliseconds for one connection attempt (default 5 000). */
  timeoutMs?: number;
  /**
   * Keep async stack traces of requests (default: only when `PLATO_NATS_ASYNC_TRACES=1`). The
   * client otherwise builds two Error objects per request, about 40% of the CPU of an append
   * (measured by tools/bench/event-store).
   */
  asyncTraces?: boolean;
}

/**
 * The one way Plato opens a NATS connection: named, reconnecting forever once connected, logging
 * disconnects and reconnects, and without per-request async stack traces (see `asyncTraces`). A first connect that fails (without `waitOnFirstConnect`)
 * throws a {@link PlatoError} with code `UNAVAILABLE` naming the servers.
 */
export async function connectNats(options: ConnectNatsOptions): Promise<NatsConnection> {
  const servers = options.servers ?? natsServersFromEnv();
  const logger = options.logger ?? createLogger(options.name);
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers,
      name: options.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      waitOnFirstConnect: options.waitOnFirstConnect ?? false,
      timeout: options.timeoutMs ?? 5_000,
      noAsyncTraces: !(options.asyncTraces ?? process.env['PLATO_NATS_ASYNC_TRACES'] === '1'),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PlatoError(ErrorCode.Unavailable, `cannot connect to NATS at ${String(servers)}: ${reason}`, { servers });
  }
  logger.debug({ server: nc.getServer() }, 'connected to NATS');
  void watchStatus(nc, logger);
  return nc;
}

async function watchStatus(nc: NatsConnection, logger: Logger): Promise<void> {
  try {
    for await (const status of nc.status()) {
      switch (status.type) {
        case 'disconnect':
          logger.warn({ server: status.server }, 'disconnected from NATS');
          break;
        case 'reconnect':
          logger.info({ server: status.server }, 'reconnected to NATS');
          break;
        case 'error':
          logger.error({ err: status.error }, 'NATS error');
          break;
        case 'slowConsumer':
          logger.warn({ subject: status.sub.getSubject(), pending: status.pending }, 'slow NATS consumer');
          break;
        default:
          break;
      }
    }
  } catch (error) {
    logger.debug({ err: error }, 'NATS status stream ended');
  }
}
