import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

/** Options of {@link ServiceProcess.start}. */
export interface ServiceProcessOptions {
  /** Name in logs and reports (`state-server`). */
  name: string;
  /** The service's built entry point (`apps/<name>/dist/main.js`). */
  main: string;
  env: NodeJS.ProcessEnv;
  /** Its stdout and stderr go here. */
  logFile: string;
  /** When set, the process runs with `--cpu-prof` and writes its profile into this directory at exit. */
  cpuProfileDir?: string;
}

/**
 * One of Plato's services (its dist/main.js) run as a child Node process with its own environment
 * and log file; {@link stop} ends exactly this process, by its PID.
 */
export class ServiceProcess {
  private constructor(
    readonly name: string,
    readonly logFile: string,
    private readonly child: ChildProcess,
    private readonly exited: Promise<void>,
  ) {}

  /** PID of the process. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Spawns the service (it is ready when it answers; the caller probes). */
  static start(options: ServiceProcessOptions): ServiceProcess {
    const fd = openSync(options.logFile, 'a');
    const args = options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir, options.main] : [options.main];
    const child = spawn(process.execPath, args, { env: options.env, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return new ServiceProcess(options.name, options.logFile, child, exited);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM by PID, then SIGKILL by PID if it has not exited within `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const stopped = await Promise.race([this.exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), graceMs))]);
    if (!stopped) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  /** The service's log lines that are JSON (pino), parsed. */
  jsonLines(): Record<string, unknown>[] {
    let text = '';
    try {
      text = readFileSync(this.logFile, 'utf8');
    } catch {
      return [];
    }
    const lines: Record<string, unknown>[] = [];
    for (const line of text.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // a line cut by the stop
      }
    }
    return lines;
  }
}
