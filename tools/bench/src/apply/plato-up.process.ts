import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, freePort, ServiceProcess } from '@plato/testing';

/** Options of {@link PlatoUpProcess.start}. */
export interface PlatoUpOptions {
  /** The repository root (where apps/cli/bin/plato.js lives). */
  repoRoot: string;
  /** A temporary state directory this run owns. */
  stateDir: string;
  /** A node id unique to this run: the agent labels its containers `plato.node=<nodeId>`. */
  nodeId: string;
  /** Extra environment for the services (e.g. the node's capacity). */
  env?: Record<string, string>;
  /** Milliseconds to wait for "Ctrl-C stops all of it." (default 60 000). */
  readyTimeoutMs?: number;
}

/**
 * A whole single-node cluster started with `plato up` (nats-server, state-server, scheduler,
 * gateway and a Docker agent) on free loopback ports, a temporary state dir and a unique node id:
 * a `ServiceProcess` of `@plato/testing` plus the PIDs of the services it started.
 * {@link stop} sends SIGTERM to exactly the `plato up` process (which stops its children in reverse
 * order, each by PID) and then checks each child PID it recorded is gone, killing by PID any left.
 */
export class PlatoUpProcess {
  private constructor(
    private readonly service: ServiceProcess,
    readonly natsUrl: string,
    readonly stateDir: string,
  ) {}

  /** PIDs of `plato up` (`cli`) and of each service it started, from its `plato.json`. */
  pids: Record<string, number> = {};

  /** Everything `plato up` printed (stdout and stderr, the last 200 000 characters). */
  get log(): string {
    return this.service.output();
  }

  /** Spawns `plato up` and resolves once it says it is up. */
  static async start(options: PlatoUpOptions): Promise<PlatoUpProcess> {
    const port = await freePort();
    const gatewayPort = await freePort();
    const bin = join(options.repoRoot, 'apps', 'cli', 'bin', 'plato.js');
    const logLevel = process.env['PLATO_LOG_LEVEL'];
    const env = { PLATO_NATS_URL: '', NX_DAEMON: 'false', ...(logLevel ? { PLATO_LOG_LEVEL: logLevel } : {}), ...options.env };
    const args = ['up', '--state-dir', options.stateDir, '--port', String(port), '--gateway-port', String(gatewayPort), '--node-id', options.nodeId];
    const up = new PlatoUpProcess(ServiceProcess.start('plato up', bin, env, args), `nats://127.0.0.1:${port}`, options.stateDir);
    const timeoutMs = options.readyTimeoutMs ?? 60_000;
    try {
      await eventually(
        () => {
          if (up.log.includes('Ctrl-C stops all of it.')) return true;
          if (!up.service.running) throw new Error('plato up exited');
          return false;
        },
        { timeoutMs, intervalMs: 50, description: 'plato up to be ready' },
      );
    } catch {
      await up.stop();
      throw new Error(`plato up was not ready within ${timeoutMs} ms:\n${up.log}`);
    }
    up.pids = (JSON.parse(readFileSync(join(options.stateDir, 'plato.json'), 'utf8')) as { pids: Record<string, number> }).pids;
    return up;
  }

  /** Stops `plato up` by its PID (SIGKILL after 30 s), then kills by PID any of its children left. */
  async stop(): Promise<void> {
    await this.service.stop('SIGTERM', 30_000);
    for (const [name, pid] of Object.entries(this.pids)) {
      if (name === 'cli' || !isAlive(pid)) continue;
      process.kill(pid, 'SIGKILL');
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
