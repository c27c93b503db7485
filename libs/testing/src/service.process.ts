import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root (this file sits at the same depth in `src/` and `dist/`). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The built entry point of an app: `apps/<app>/dist/main.js` (build it with `nx run @plato/<app>:build`). */
export function appMain(app: string): string {
  return join(repoRoot, 'apps', app, 'dist', 'main.js');
}

/** One line a service logged (pino writes JSON lines on stderr). */
export interface ServiceLogLine {
  time: number;
  msg: string;
  [key: string]: unknown;
}

/** How a service process ended. */
export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A Plato service (or any Node program) started as its own process for a test — apps never import
 * apps, so tests run each other's built `dist/main.js`. Its output is kept, as text and (stderr)
 * as parsed pino lines, for assertions and for failure messages; `stop()` and `kill()` end exactly this PID.
 */
export class ServiceProcess {
  /** Every JSON line the process logged, in order. */
  readonly lines: ServiceLogLine[] = [];
  /** Settles when the process has exited. */
  readonly exited: Promise<ServiceExit>;
  private text = '';
  private partial = '';

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.stderr?.on('data', (chunk: Buffer) => this.take(chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => (this.text = (this.text + chunk.toString()).slice(-200_000)));
  }

  /**
   * Starts `node <script> [args]` with `env` added to this process's environment (and
   * `PLATO_LOG_LEVEL` `info` unless given). Throws when the script does not exist, naming the
   * build to run.
   */
  static start(name: string, script: string, env: Record<string, string> = {}, args: string[] = []): ServiceProcess {
    if (!existsSync(script)) throw new Error(`${script} is missing: build it first (npx nx run-many -t build)`);
    const child = spawn(process.execPath, [script, ...args], {
      cwd: repoRoot,
      env: { ...process.env, PLATO_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServiceProcess(name, child);
  }

  /** The process id. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** True until the process has exited. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** What the process wrote on stdout and stderr (the last 200 000 characters), for failure messages. */
  output(): string {
    return this.text;
  }

  /** Sends `signal` (SIGTERM by default), then SIGKILL after `graceMs`; resolves once it exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<ServiceExit> {
    if (!this.running) return this.exited;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  /** Kills the process with SIGKILL (a crash) and waits for its exit. */
  kill(): Promise<ServiceExit> {
    return this.stop('SIGKILL');
  }

  private take(chunk: string): void {
    this.text = (this.text + chunk).slice(-200_000);
    this.partial += chunk;
    const complete = this.partial.split('\n');
    this.partial = complete.pop() ?? '';
    for (const line of complete) {
      if (!line.startsWith('{')) continue;
      try {
        this.lines.push(JSON.parse(line) as ServiceLogLine);
      } catch {
        continue;
      }
    }
  }
}
