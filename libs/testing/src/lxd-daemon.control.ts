import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from './eventually.js';
import { repoRoot } from './service.process.js';

/** The LXD REST API socket tools/host/setup starts LXD on. */
export const lxdSocketPath = '/var/lib/lxd/unix.socket';

/**
 * Stops and starts this machine's LXD daemon, for tests of what Plato does while LXD is away.
 * `stop` sends SIGTERM to the daemon's own PID (as LXD's API reports it): LXD then exits and
 * leaves its instances running, as it does when the daemon is restarted or upgraded. `start`
 * runs the project's `tools/host/setup`, which starts LXD when it does not answer and waits until
 * it is ready. Use it only in suites that run alone on the daemon (the test command runs suites
 * one at a time), and always `start` in a `finally`.
 */
export class LxdDaemonControl {
  constructor(private readonly socketPath: string = lxdSocketPath) {}

  /** The daemon's PID, or undefined when nothing answers on the socket. */
  async pid(): Promise<number | undefined> {
    const body = await new Promise<string | undefined>((resolve) => {
      const req = request({ socketPath: this.socketPath, path: '/1.0', timeout: 2_000 }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(text));
        res.on('error', () => resolve(undefined));
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(undefined));
      req.end();
    });
    if (!body) return undefined;
    const pid = (JSON.parse(body) as { metadata?: { environment?: { server_pid?: unknown } } }).metadata?.environment?.server_pid;
    return typeof pid === 'number' ? pid : undefined;
  }

  /** Sends SIGTERM to the daemon and resolves with its PID once that process has exited. */
  async stop(timeoutMs = 30_000): Promise<number> {
    const pid = await this.pid();
    if (pid === undefined) throw new Error(`no LXD daemon answers on ${this.socketPath}`);
    process.kill(pid, 'SIGTERM');
    await eventually(
      () => {
        try {
          process.kill(pid, 0);
        } catch {
          return true;
        }
        throw new Error(`LXD daemon ${pid} still running`);
      },
      { timeoutMs, intervalMs: 100, description: `LXD daemon ${pid} exited` },
    );
    return pid;
  }

  /** Starts the daemon through tools/host/setup and resolves once it answers. */
  async start(timeoutMs = 90_000): Promise<void> {
    await promisify(execFile)(join(repoRoot, 'tools', 'host', 'setup'), [], { timeout: timeoutMs });
    await eventually(async () => (await this.pid()) ?? Promise.reject(new Error('LXD does not answer yet')), {
      timeoutMs: 30_000,
      description: 'LXD answering again',
    });
  }
}
