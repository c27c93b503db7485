import type { NatsConnection } from '@nats-io/transport-node';
import type { ReplyOf, RequestContract, RequestOf } from '@plato/contracts';
import { request } from '@plato/messaging';

/**
 * The gateway's one way to reach the state-server: sends a command or query over NATS with
 * `request()` (the payload is validated first, error replies come back as the PlatoError the
 * server threw). A class, so that it is its own DI token.
 */
export class ControlPlaneClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs = 5_000,
  ) {}

  /** Whether the NATS connection is open (it may be reconnecting). */
  isConnected(): boolean {
    return !this.nc.isClosed();
  }

  /** Sends `payload` under `contract` and resolves with the parsed reply. */
  send<C extends RequestContract>(contract: C, payload: RequestOf<C>): Promise<ReplyOf<C>> {
    return request(this.nc, contract, payload, { timeoutMs: this.timeoutMs });
  }
}
