import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, type Logger } from '@plato/messaging';
import { DockerRuntime, type ContainerInfo } from '@plato/runtime';
import { NatsServerProcess, eventually, newRunId, type ServiceProcess } from '@plato/testing';
import { ContainerLabels, containerNameOf } from '../src/index.js';
import { TestControlPlane } from './control-plane.client.js';
import { startStateServer } from './state-server.process.js';
import { TestAgent, within } from './test-agent.process.js';

const buildImages = fileURLToPath(new URL('../../../tools/images/build', import.meta.url));

/**
 * The real parts of one Docker agent test file: a nats-server of its own, the built state-server
 * as a process (with `nodeTimeoutMs`, 60 s by default: the tests' pauses lose no node), an in-process agent on
 * the Docker engine whose node id is the run's id (also its `run` label), and the control plane as
 * the tests reach it. {@link setUp} in `beforeAll` builds the test images first; {@link tearDown}
 * in `afterAll` removes exactly the containers labelled with the run's node id.
 */
export class DockerAgentHarness {
  readonly run: string;
  readonly nodeId: string;
  readonly runtime = new DockerRuntime({ socketPath: '/var/run/docker.sock' });
  readonly agents: TestAgent;
  readonly plane: TestControlPlane;
  private natsServer: NatsServerProcess | undefined;
  private connection: NatsConnection | undefined;
  private stateServerProcess: ServiceProcess | undefined;

  constructor(
    prefix: string,
    hostname: string,
    private readonly logger: Logger,
    private readonly options: { nodeTimeoutMs?: number } = {},
  ) {
    this.run = newRunId(prefix);
    this.nodeId = this.run;
    this.agents = new TestAgent({ natsUrl: () => this.nats.url, nodeId: this.nodeId, run: this.run, hostname, runtimes: [this.runtime], logger });
    this.plane = new TestControlPlane(() => this.client, this.run, this.nodeId);
  }

  /** The test's nats-server. */
  get nats(): NatsServerProcess {
    if (!this.natsServer) throw new Error('the harness is not set up');
    return this.natsServer;
  }

  /** The test's own connection, for requests to the state-server. */
  get client(): NatsConnection {
    if (!this.connection) throw new Error('the harness is not set up');
    return this.connection;
  }

  /** The state-server process started last. */
  get stateServer(): ServiceProcess {
    if (!this.stateServerProcess) throw new Error('the harness is not set up');
    return this.stateServerProcess;
  }

  /** Builds the images, starts the nats-server, the state-server and the agent, and waits for the node's registration. */
  async setUp(): Promise<void> {
    await promisify(execFile)(buildImages, [], { timeout: 110_000 });
    this.natsServer = await NatsServerProcess.start();
    this.connection = await connectNats({ name: `${this.run}-client`, servers: this.natsServer.url, logger: this.logger });
    await this.startStateServer();
    await this.agents.start();
    await within(15_000, 'the node registered', this.agents.agent.registered());
  }

  /** Starts the state-server (after stopping the one that runs), and resolves once it answers. */
  async startStateServer(): Promise<void> {
    await this.stateServerProcess?.stop();
    this.stateServerProcess = await startStateServer(this.nats.url, this.client, { PLATO_NODE_TIMEOUT_MS: String(this.options.nodeTimeoutMs ?? 60_000) });
  }

  /** The allocation's container while it runs; throws otherwise (a probe for `eventually`). */
  async running(allocId: string): Promise<ContainerInfo> {
    const info = await this.runtime.inspect(containerNameOf(allocId));
    if (info?.state !== 'running') throw new Error(`${allocId}: container is ${info?.state ?? 'missing'}`);
    return info;
  }

  /** Waits until the allocation's container runs again, started after `before` was (restarted, or another one). */
  runningAgain(allocId: string, before: ContainerInfo, options: { timeoutMs?: number; description: string }): Promise<ContainerInfo> {
    return eventually(
      async () => {
        const info = await this.running(allocId);
        if (info.startedAt!.getTime() === before.startedAt!.getTime()) throw new Error('not restarted yet');
        return info;
      },
      { timeoutMs: options.timeoutMs ?? 15_000, intervalMs: 50, description: options.description },
    );
  }

  /** Stops the agent, removes the run's containers, and stops the state-server and the nats-server. */
  async tearDown(): Promise<void> {
    await this.agents.stop().catch(() => undefined);
    const mine = await this.runtime.list({ labels: { [ContainerLabels.node]: this.nodeId } });
    await Promise.all(mine.map((container) => this.runtime.remove(container.id)));
    await this.stateServerProcess?.stop();
    await this.connection?.close();
    await this.natsServer?.stop();
  }
}
