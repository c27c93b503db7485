import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import type { NatsConnection } from '@nats-io/transport-node';
import type { EventStore } from '@plato/event-store';
import { createLogger, type Logger } from '@plato/messaging';
import type { AddressInfo } from 'node:net';
import { ControlPlaneClient } from './control-plane.client.js';
import { EventStreamSettings } from './events/event-stream.service.js';
import { GatewayModule } from './gateway.module.js';
import { PlatoErrorFilter } from './http/plato-error.filter.js';
import { yamlMediaTypes } from './http/request-body.reader.js';

/** Options of {@link startGateway}. */
export interface StartGatewayOptions {
  /** The connection commands and queries go out on (the caller owns and closes it). */
  nc: NatsConnection;
  /** The event log the live stream reads (the caller owns and closes it). */
  eventStore: EventStore;
  /** Address to bind (default `127.0.0.1`). */
  host?: string;
  /** Port to bind (default 8080; 0 for a free one). */
  port?: number;
  logger?: Logger;
  /** Milliseconds to wait for the state-server's reply (default 5 000). */
  requestTimeoutMs?: number;
  /** Keep-alive and retry of the live event stream. */
  eventStream?: EventStreamSettings;
}

/** A running gateway. */
export interface RunningGateway {
  /** `http://<host>:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Ends the live event streams, stops taking requests, and closes the HTTP server. */
  close(): Promise<void>;
}

/** Bodies larger than this are refused with 413. */
const bodyLimit = '1mb';

/**
 * Starts the gateway's Nest HTTP application (Express) and resolves once it listens. Bodies are
 * read as JSON (`application/json`) or as YAML text (`application/yaml` and kin); every error
 * goes through the one {@link PlatoErrorFilter}.
 */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const logger = options.logger ?? createLogger('gateway');
  const app = await NestFactory.create<NestExpressApplication>(
    GatewayModule.forRoot({
      controlPlane: new ControlPlaneClient(options.nc, options.requestTimeoutMs),
      eventStore: options.eventStore,
      eventStream: options.eventStream,
    }),
    new ExpressAdapter(),
    { logger: false, abortOnError: false, bodyParser: false, forceCloseConnections: true },
  );
  app.useBodyParser('json', { limit: bodyLimit });
  app.useBodyParser('text', { type: yamlMediaTypes, limit: bodyLimit });
  app.useGlobalFilters(new PlatoErrorFilter(logger));
  app.disable('x-powered-by');
  const host = options.host ?? '127.0.0.1';
  await app.listen(options.port ?? 8080, host);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { url: `http://${host}:${port}`, port, close: () => app.close() };
}
