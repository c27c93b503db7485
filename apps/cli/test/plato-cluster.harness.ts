import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerRuntime } from '@plato/runtime';
import { NatsServerProcess, ServiceProcess, appMain, eventually, freePort, repoRoot, servingBetween, servingChangeOf, type ServingChange } from '@plato/testing';

/** The `plato` command's entry point. */
export const platoBin = join(repoRoot, 'apps', 'cli', 'bin', 'plato.js');

const env = { ...process.env, PLATO_NATS_URL: '', NX_DAEMON: 'false' };

/** What one `plato` command printed and its exit status. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Builds every app `plato up` runs and the busybox test image (idempotent, quiet). */
export function buildPlatoAndImage(): void {
  execFileSync('npx', ['nx', 'run', '@plato/cli:build', '--output-style=static'], { cwd: repoRoot, env, stdio: 'ignore' });
  execFileSync(join(repoRoot, 'tools', 'images', 'build'), { stdio: 'ignore' });
}

/**
 * A single-node Plato cluster for an end-to-end test: `plato up` on free ports with its own state
 * dir, the `plato` CLI pointed at it, extra agents on the same Docker engine, and a `dispose()` that
 * stops exactly the processes it started and removes exactly the containers of the node ids used.
 */
export class PlatoCluster {
  /** `plato up` while it runs. */
  up: ServiceProcess | undefined;
  /** The nats-server of a {@link startServices} cluster. */
  private nats: NatsServerProcess | undefined;
  private readonly processes: ServiceProcess[] = [];
  readonly docker = new DockerRuntime();

  private constructor(
    readonly stateDir: string,
    readonly port: number,
    readonly gatewayPort: number,
  ) {}

  /** A cluster with a fresh state dir and free ports; nothing runs yet. */
  static async create(prefix: string): Promise<PlatoCluster> {
    return new PlatoCluster(await mkdtemp(join(tmpdir(), `${prefix}-`)), await freePort(), await freePort());
  }

  /** The cluster's NATS URL. */
  get natsUrl(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Starts `plato up` (its agent with `nodeId`) and resolves once every service answers. */
  async start(nodeId: string): Promise<ServiceProcess> {
    if (this.up?.running) await this.up.stop('SIGTERM', 30_000);
    const args = ['up', '--state-dir', this.stateDir, '--port', String(this.port), '--gateway-port', String(this.gatewayPort), '--node-id', nodeId];
    const up = ServiceProcess.start('plato up', platoBin, { PLATO_NATS_URL: '' }, args);
    this.up = up;
    this.processes.push(up);
    await this.waitFor('plato up to be ready', () => up.output().includes('Ctrl-C stops all of it.'), 60_000);
    return up;
  }

  /**
   * The cluster without `plato up`: a nats-server on the cluster's port, then the state-server, the
   * scheduler and an agent as `nodeId`, each its own process, so that a test can kill one by its
   * PID (`plato up` would stop everything when one of its children dies) and start it again with
   * {@link startService}. Resolves once the state-server answers and the node is registered.
   */
  async startServices(nodeId: string, agentEnv: Record<string, string> = {}): Promise<{ stateServer: ServiceProcess; scheduler: ServiceProcess; agent: ServiceProcess }> {
    this.nats ??= await NatsServerProcess.start({ port: this.port });
    const stateServer = this.startService('state-server');
    await this.waitFor('the state-server to answer', async () => expect((await this.plato('get', 'deployments')).code).toBe(0), 30_000);
    const scheduler = this.startService('scheduler');
    const agent = this.startAgent(nodeId, agentEnv);
    await this.waitFor(`node ${nodeId} registered`, async () => expect((await this.plato('get', 'nodes', nodeId)).code).toBe(0), 30_000);
    return { stateServer, scheduler, agent };
  }

  /** Starts one control-plane service (`state-server`, `scheduler`) of a {@link startServices} cluster. */
  startService(name: 'state-server' | 'scheduler'): ServiceProcess {
    const service = ServiceProcess.start(name, appMain(name), { PLATO_NATS_URL: this.natsUrl });
    this.processes.push(service);
    return service;
  }

  /** Starts one more agent on this machine's Docker engine, as node `nodeId`, with extra env. */
  startAgent(nodeId: string, extraEnv: Record<string, string> = {}): ServiceProcess {
    const agent = ServiceProcess.start(`agent ${nodeId}`, appMain('agent'), { PLATO_NATS_URL: this.natsUrl, PLATO_NODE_ID: nodeId, ...extraEnv });
    this.processes.push(agent);
    return agent;
  }

  /** Runs `plato <args> --state-dir <dir> --nats <url>` and resolves with what it printed. */
  plato(...args: string[]): Promise<CliResult> {
    return new Promise((resolve) => {
      execFile(process.execPath, [platoBin, ...args, '--state-dir', this.stateDir, '--nats', this.natsUrl], { env, cwd: repoRoot }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  /** Runs `plato <args> -o json` and parses its output; throws with stderr when it fails. */
  async json<T>(...args: string[]): Promise<T> {
    const result = await this.plato(...args, '-o', 'json');
    if (result.code !== 0) throw new Error(`plato ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  }

  /** The containers Docker runs for `nodeId` (by the `plato.node` label). */
  containersOf(nodeId: string) {
    return this.docker.list({ labels: { 'plato.node': nodeId } });
  }

  /** eventually(), whose failure also shows the tail of every process this cluster started. */
  async waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
    try {
      return await eventually(probe, { timeoutMs, intervalMs: 50, description: what });
    } catch (error) {
      const logs = this.processes.map((p) => `--- ${p.name} (pid ${p.pid}):\n${p.output().trimEnd().split('\n').slice(-30).join('\n')}`);
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${logs.join('\n')}`, { cause: error });
    }
  }

  /** Stops every process it started (agents first, `plato up` last) and removes the nodes' containers and the state dir. */
  async dispose(nodeIds: string[]): Promise<void> {
    for (const proc of this.processes.filter((p) => p !== this.up)) await proc.stop();
    await this.up?.stop('SIGTERM', 30_000);
    await this.nats?.stop();
    for (const nodeId of nodeIds) for (const container of await this.containersOf(nodeId)) await this.docker.remove(container.id);
    await rm(this.stateDir, { recursive: true, force: true });
  }
}

/**
 * The YAML lines of a deployment `name` serving the test image's /www with busybox httpd on
 * container port 8080; `more` are appended (replicas, ports, health, …).
 */
export function httpdSpecLines(name: string, more: readonly string[]): string[] {
  return [`name: ${name}`, 'image: plato/busybox:latest', 'command: ["busybox", "httpd"]', 'args: ["-f", "-p", "8080", "-h", "/www"]', ...more, ''];
}

/**
 * How many replicas of a deployment with a health check served, replayed from the log (see
 * `servingBetween`): how many served at log position `from`, the fewest at any position after it,
 * and how many serve at the log's end.
 */
export async function servingOverTime(cluster: PlatoCluster, deployment: string, from: number): Promise<{ atStart: number; least: number; atEnd: number }> {
  const items = (await cluster.json<{ items: { nodeId: string; allocId: string }[] }>('get', 'allocs', deployment, '--all')).items;
  const changes: ServingChange[] = [];
  for (const { nodeId, allocId } of items) {
    const { events } = await cluster.json<{ events: { position: number; type: string }[] }>('history', 'alloc', `${nodeId}/${allocId}`);
    for (const event of events) {
      const change = servingChangeOf(event, allocId);
      if (change) changes.push(change);
    }
  }
  return servingBetween(changes, from);
}
