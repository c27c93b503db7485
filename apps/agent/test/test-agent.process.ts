import { platoEvents } from '@plato/contracts';
import { JetStreamEventStore } from '@plato/event-store';
import { connectNats, type Logger } from '@plato/messaging';
import type { ContainerRuntime } from '@plato/runtime';
import { startAgent, type RunningAgent } from '../src/index.js';

/** What {@link TestAgent} starts an agent with. */
export interface TestAgentOptions {
  /** The test's nats-server URL, read at each start. */
  natsUrl: () => string;
  nodeId: string;
  /** The run id, also the node's `run` label. */
  run: string;
  hostname: string;
  runtimes: ContainerRuntime[];
  /** The image cache to import LXD tarballs from, read at each start. */
  imageCache?: () => string;
  logger: Logger;
}

/**
 * The agent a test file runs against its own nats-server: started in-process with its own NATS
 * connection and event store (8 000 m / 8 192 MiB, heartbeats every 500 ms, a resync every
 * second), stopped with all of them, and started again as a restarted agent would be.
 */
export class TestAgent {
  private running: RunningAgent | undefined;
  private closeAll: (() => Promise<void>) | undefined;

  constructor(private readonly options: TestAgentOptions) {}

  /** The agent started last; throws when none runs. */
  get agent(): RunningAgent {
    if (!this.running) throw new Error('no test agent is running');
    return this.running;
  }

  /** Starts an agent (within 15 s), as a restarted agent process would. */
  async start(): Promise<RunningAgent> {
    const { nodeId, run, hostname, runtimes, logger } = this.options;
    const nc = await connectNats({ name: `${run}-agent`, servers: this.options.natsUrl(), logger });
    const eventStore = await JetStreamEventStore.connect(nc, { catalog: platoEvents });
    const imageCache = this.options.imageCache?.();
    const started = await within(
      15_000,
      'the agent replaying its allocations',
      startAgent({
        config: { nodeId, hostname, labels: { run }, capacity: { cpu: 8000, memory: 8192 }, heartbeatMs: 500, reconcileMs: 1000, ...(imageCache ? { imageCache } : {}) },
        nc,
        eventStore,
        runtimes,
        logger,
      }),
    );
    this.running = started;
    this.closeAll = async () => {
      await started.close();
      await eventStore.close();
      await nc.close();
    };
    return started;
  }

  /** Stops the agent, its event store and its connection; containers keep running. */
  async stop(): Promise<void> {
    const close = this.closeAll;
    this.running = undefined;
    this.closeAll = undefined;
    await close?.();
  }
}

/** Resolves as `promise` does, or rejects naming `what` once `ms` have passed. */
export function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
