import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import { ListNodes } from '@plato/contracts';
import { request } from '@plato/messaging';
import { eventually } from '@plato/testing';

/** The built state-server; `nx run @plato/agent:test` builds it first. */
export const stateServerMain = fileURLToPath(new URL('../../state-server/dist/main.js', import.meta.url));

/**
 * The real state-server as its own process (apps never import apps), on a test's nats-server.
 * `stop()` ends exactly this process, by its PID.
 */
export class StateServerProcess {
  private output = '';

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    });
  }

  /** Starts it and resolves once it answers queries on `nc`. */
  static async start(natsUrl: string, nc: NatsConnection, env: Record<string, string> = {}): Promise<StateServerProcess> {
    if (!existsSync(stateServerMain)) throw new Error(`${stateServerMain} is missing: run 'npx nx run @plato/state-server:build'`);
    const child = spawn(process.execPath, [stateServerMain], {
      env: { ...process.env, PLATO_NATS_URL: natsUrl, PLATO_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const server = new StateServerProcess(child);
    await eventually(() => request(nc, ListNodes, {}, { timeoutMs: 500 }), { timeoutMs: 20_000, description: `the state-server answering\n${server.output}` });
    return server;
  }

  /** What it logged last (for failing tests). */
  get log(): string {
    return this.output;
  }

  /** Stops it with SIGTERM (SIGKILL after 5 s) and waits for its exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
