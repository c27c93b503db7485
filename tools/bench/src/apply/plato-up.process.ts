import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@plato/testing';

/** Options of {@link PlatoUpProcess.start}. */
export interface PlatoUpOptions {
  /** The repository root (where apps/cli/bin/plato.js lives). */
  repoRoot: string;
  /** A temporary state directory this run owns. */
  stateDir: string;
  /** A node id unique to this run: the agent labels its containers `plato.node=<nodeId>`. */
  nodeId: string;
  /** Extra environment for the services (e.g. the node's capacity). */
  env?: NodeJS.ProcessEnv;
  /** Milliseconds to wait for "Ctrl-C stops all of it." (default 60 000). */
  readyTimeoutMs?: number;
}

/**
 * A whole single-node cluster started with `plato up` (nats-server, state-server, scheduler,
 * gateway and a Docker agent) on free loopback ports, a temporary state dir and a unique node id.
 * {@link stop} sends SIGTERM to exactly the `plato up` process (which stops its children in reverse
 * order, each by PID) and then checks each child PID it recorded is gone, killing by PID any left.
 */
export class PlatoUpProcess {
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly exited: Promise<number | null>,
    readonly natsUrl: string,
    readonly stateDir: string,
  ) {}

  /** PIDs of `plato up` (`cli`) and of each service it started, from its `plato.json`. */
  pids: Record<string, number> = {};

  /** Everything `plato up` printed (stdout and stderr). */
  get log(): string {
    return this.output;
  }

  /** Spawns `plato up` and resolves once it says it is up. */
  static async start(options: PlatoUpOptions): Promise<PlatoUpProcess> {
    const port = await freePort();
    const gatewayPort = await freePort();
    const bin = join(options.repoRoot, 'apps', 'cli', 'bin', 'plato.js');
    const child = spawn(
      process.execPath,
      [bin, 'up', '--state-dir', options.stateDir, '--port', String(port), '--gateway-port', String(gatewayPort), '--node-id', options.nodeId],
      { env: { ...process.env, PLATO_NATS_URL: '', NX_DAEMON: 'false', ...options.env }, cwd: options.repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const up = new PlatoUpProcess(child, exited, `nats://127.0.0.1:${port}`, options.stateDir);
    child.stdout?.on('data', (chunk: Buffer) => (up.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (up.output += chunk.toString()));
    const timeoutMs = options.readyTimeoutMs ?? 60_000;
    const ready = await new Promise<boolean>((resolve) => {
      const deadline = setTimeout(() => resolve(false), timeoutMs);
      const poll = setInterval(() => {
        if (up.output.includes('Ctrl-C stops all of it.')) {
          clearTimeout(deadline);
          clearInterval(poll);
          resolve(true);
        }
      }, 50);
      void exited.then(() => {
        clearTimeout(deadline);
        clearInterval(poll);
        resolve(false);
      });
    });
    if (!ready) {
      await up.stop();
      throw new Error(`plato up was not ready within ${timeoutMs} ms:\n${up.output}`);
    }
    up.pids = (JSON.parse(readFileSync(join(options.stateDir, 'plato.json'), 'utf8')) as { pids: Record<string, number> }).pids;
    return up;
  }

  /** Stops `plato up` by its PID, waits (30 s at most), then kills by PID any of its children left. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid) {
      this.child.kill('SIGTERM');
      const stopped = await Promise.race([this.exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 30_000))]);
      if (!stopped) this.child.kill('SIGKILL');
    }
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
