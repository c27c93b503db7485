import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/** Options of {@link startNatsServer}. */
export interface NatsServerOptions {
  /** Port on 127.0.0.1; a free one when omitted. */
  port?: number;
  /** JetStream store directory; a fresh temporary directory (removed on stop) when omitted. */
  storeDir?: string;
  /** The nats-server binary; `$PLATO_NATS_SERVER` or `nats-server` on PATH by default. */
  binary?: string;
  /** Milliseconds to wait for "Server is ready" (default 15 000). */
  readyTimeoutMs?: number;
}

/**
 * A real nats-server with JetStream, started as a child process on 127.0.0.1. Tests start one per
 * file; `stop()` ends exactly this process (by its PID) and removes the temporary store it made.
 */
export class NatsServerProcess {
  private child: ChildProcess | undefined;
  private readonly ownsStoreDir: boolean;

  private constructor(
    readonly port: number,
    readonly storeDir: string,
    private readonly binary: string,
    private readonly readyTimeoutMs: number,
    ownsStoreDir: boolean,
  ) {
    this.ownsStoreDir = ownsStoreDir;
  }

  /** The client URL, `nats://127.0.0.1:<port>`. */
  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** PID of the running server, if it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts a server and resolves once it accepts clients. */
  static async start(options: NatsServerOptions = {}): Promise<NatsServerProcess> {
    const port = options.port ?? (await freePort());
    const storeDir = options.storeDir ?? (await mkdtemp(join(tmpdir(), 'plato-nats-')));
    const server = new NatsServerProcess(
      port,
      storeDir,
      options.binary ?? process.env['PLATO_NATS_SERVER'] ?? 'nats-server',
      options.readyTimeoutMs ?? 15_000,
      options.storeDir === undefined,
    );
    await server.launch();
    return server;
  }

  /** Stops the server gracefully and starts it again on the same port with the same store. */
  async restart(): Promise<void> {
    await this.halt('SIGTERM');
    await this.launch();
  }

  /** Kills the server with SIGKILL (a crash: no graceful shutdown), keeping its store. */
  async kill(): Promise<void> {
    await this.halt('SIGKILL');
  }

  /** Starts the server again after {@link kill} or a halt, on the same port and store. */
  async resume(): Promise<void> {
    if (!this.child) await this.launch();
  }

  /** Stops the server and removes the store if this helper created it. */
  async stop(): Promise<void> {
    await this.halt('SIGTERM');
    if (this.ownsStoreDir) await rm(this.storeDir, { recursive: true, force: true });
  }

  private launch(): Promise<void> {
    const args = ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir];
    const child = spawn(this.binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let output = '';
    let ready = false;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        fail(new Error(`nats-server on port ${this.port} not ready within ${this.readyTimeoutMs} ms:\n${output}`));
      }, this.readyTimeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        this.child = undefined;
        reject(error);
      };
      child.once('error', (error) => fail(new Error(`cannot start ${this.binary}: ${error.message}`)));
      child.once('exit', (code) => {
        if (this.child === child) this.child = undefined;
        fail(new Error(`nats-server exited with code ${code} before it was ready:\n${output}`));
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        if (ready) return;
        output += chunk.toString();
        if (output.includes('Server is ready')) {
          ready = true;
          clearTimeout(timer);
          child.removeAllListeners('exit');
          child.once('exit', () => {
            if (this.child === child) this.child = undefined;
          });
          resolve();
        }
      });
    });
  }

  private async halt(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) {
      this.child = undefined;
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
    this.child = undefined;
  }
}
