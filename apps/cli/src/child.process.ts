import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

/** How a supervised process ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A process `plato up` started, with its output appended to a log file. It runs in its own process
 * group, so a Ctrl-C at the terminal reaches only `plato up`, which then stops its children in
 * order, each by its PID.
 */
export class SupervisedProcess {
  /** Settles when the process has exited. */
  readonly exited: Promise<ChildExit>;

  private constructor(
    readonly name: string,
    readonly logFile: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
      else child.once('exit', (code, signal) => resolve({ code, signal }));
    });
  }

  /** Starts `command args`, its stdout and stderr appended to `logFile`. Rejects if it cannot be started. */
  static async start(name: string, command: string, args: string[], options: { logFile: string; env?: NodeJS.ProcessEnv }): Promise<SupervisedProcess> {
    const log = openSync(options.logFile, 'a');
    try {
      const child = spawn(command, args, { stdio: ['ignore', log, log], detached: true, env: options.env ?? process.env });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', () => resolve());
        child.once('error', (error) => reject(new Error(`cannot start ${name} (${command}): ${error.message}`)));
      });
      return new SupervisedProcess(name, options.logFile, child);
    } finally {
      closeSync(log);
    }
  }

  /** The PID of the process. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** True until the process has exited. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends SIGTERM, waits up to `graceMs` for the exit, then SIGKILL. Resolves once it has exited. */
  async stop(graceMs = 10_000): Promise<ChildExit> {
    if (!this.running) return this.exited;
    this.signal('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.signal('SIGKILL');
        resolve();
      }, graceMs);
    });
    await Promise.race([this.exited, forced]);
    clearTimeout(timer);
    return this.exited;
  }

  /** Sends `signal` to this process only (by PID); a process that is gone is ignored. */
  signal(signal: NodeJS.Signals): void {
    if (!this.running) return;
    try {
      process.kill(this.pid, signal);
    } catch {
      return;
    }
  }
}
