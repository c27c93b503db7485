import { ContractViolation } from '@plato/contracts';
import { natsServersFromEnv } from '@plato/messaging';

/** Where the gateway listens and which NATS servers it talks to. */
export interface GatewayConfig {
  /** Address the HTTP server binds to: `PLATO_GATEWAY_HOST`, default `127.0.0.1` (loopback only). */
  host: string;
  /** TCP port: `PLATO_GATEWAY_PORT`, default 8080; 0 asks the kernel for a free one. */
  port: number;
  /** NATS servers, from `PLATO_NATS_URL` (see `natsServersFromEnv`). */
  natsServers: string[];
}

/** The gateway's port when `PLATO_GATEWAY_PORT` is not set. */
export const defaultGatewayPort = 8080;

/**
 * Reads the gateway's configuration from the environment. Throws a ContractViolation naming the
 * variable when the port is not an integer in 0 … 65 535.
 */
export function gatewayConfigFromEnv(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const rawPort = env['PLATO_GATEWAY_PORT']?.trim();
  const port = rawPort ? Number(rawPort) : defaultGatewayPort;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ContractViolation('gateway configuration', [{ path: 'PLATO_GATEWAY_PORT', message: `must be an integer in 0 … 65535, got '${rawPort}'` }]);
  }
  return { host: env['PLATO_GATEWAY_HOST']?.trim() || '127.0.0.1', port, natsServers: natsServersFromEnv(env) };
}
