import type { NatsConnection } from '@nats-io/transport-node';
import { ListNodes } from '@plato/contracts';
import { request } from '@plato/messaging';
import { ServiceProcess, appMain, eventually } from '@plato/testing';

/**
 * Starts the real, built state-server (apps never import apps) on a test's nats-server and
 * resolves once it answers queries on `nc`; `nx run @plato/agent:test` builds it first.
 */
export async function startStateServer(natsUrl: string, nc: NatsConnection, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const server = ServiceProcess.start('state-server', appMain('state-server'), { PLATO_NATS_URL: natsUrl, PLATO_LOG_LEVEL: 'warn', ...env });
  await eventually(() => request(nc, ListNodes, {}, { timeoutMs: 500 }), {
    timeoutMs: 20_000,
    description: `the state-server answering\n${server.output()}`,
  });
  return server;
}
