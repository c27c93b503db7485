import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { PlatoError, Subjects, platoEvents, type RegisterNode, type RequestOf } from '@plato/contracts';
import { JetStreamEventStore } from '@plato/event-store';
import { connectNats, createLogger } from '@plato/messaging';
import { NatsServerProcess, newRunId } from '@plato/testing';
import { StateServerConfig, startStateServer, type RunningStateServer } from '../src/index.js';

/** A fresh command id. */
export const commandId = (): string => `cmd-${randomUUID()}`;

/** The error a request failed with; fails the test when it succeeded. */
export function errorOf(promise: Promise<unknown>): Promise<PlatoError> {
  return promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (error: unknown) => error as PlatoError,
  );
}

/** A RegisterNode payload with 1 000 millicores and 1 024 MiB, offering Docker. */
export function nodeRegistration(nodeId: string, input: Partial<RequestOf<typeof RegisterNode>> = {}): RequestOf<typeof RegisterNode> {
  return { commandId: commandId(), nodeId, hostname: nodeId, capacity: { cpu: 1000, memory: 1024 }, runtimes: ['docker'], ...input };
}

/**
 * A real nats-server, the JetStream event store and a state-server on it, plus a client
 * connection, for one test file. `stop()` stops all of it and every heartbeat it started.
 */
export class StateServerHarness {
  private readonly heartbeats = new Map<string, NodeJS.Timeout>();

  private constructor(
    readonly nats: NatsServerProcess,
    private readonly serverConnection: NatsConnection,
    readonly client: NatsConnection,
    readonly store: JetStreamEventStore,
    private server: RunningStateServer,
    private config: StateServerConfig,
  ) {}

  /** Starts everything with `config` (a 3 s liveness timeout by default). */
  static async start(config = new StateServerConfig()): Promise<StateServerHarness> {
    const run = newRunId('ss');
    const logger = createLogger('state-server-test');
    const nats = await NatsServerProcess.start();
    const serverConnection = await connectNats({ name: `${run}-server`, servers: nats.url, logger });
    const client = await connectNats({ name: `${run}-client`, servers: nats.url, logger });
    const store = await JetStreamEventStore.connect(serverConnection, { catalog: platoEvents });
    const server = await startStateServer({ nc: serverConnection, eventStore: store, logger, config });
    return new StateServerHarness(nats, serverConnection, client, store, server, config);
  }

  /** Stops the state-server and starts it again on the same log (its projection is rebuilt). */
  async restart(config = this.config): Promise<void> {
    await this.server.close();
    this.config = config;
    this.server = await startStateServer({ nc: this.serverConnection, eventStore: this.store, logger: createLogger('state-server-test'), config });
  }

  /** Publishes `nodeId`'s heartbeat every `intervalMs` until {@link stopHeartbeat}. */
  startHeartbeat(nodeId: string, intervalMs = 50): void {
    this.stopHeartbeat(nodeId);
    const beat = () => this.client.publish(Subjects.heartbeat(nodeId), JSON.stringify({ nodeId, at: new Date().toISOString(), runtimes: ['docker'] }));
    beat();
    this.heartbeats.set(nodeId, setInterval(beat, intervalMs));
  }

  /** Stops publishing `nodeId`'s heartbeats. */
  stopHeartbeat(nodeId: string): void {
    clearInterval(this.heartbeats.get(nodeId));
    this.heartbeats.delete(nodeId);
  }

  /** Stops the heartbeats, the state-server, the store, the connections and the nats-server. */
  async stop(): Promise<void> {
    for (const nodeId of [...this.heartbeats.keys()]) this.stopHeartbeat(nodeId);
    await this.server.close();
    await this.store.close();
    await this.client.close();
    await this.serverConnection.close();
    await this.nats.stop();
  }
}
