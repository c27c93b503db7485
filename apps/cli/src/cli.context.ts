import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, createLogger, natsServersFromEnv, type Logger } from '@plato/messaging';
import type { CliOptions } from './cli.args.js';

/** Where `plato up` keeps its state when `--state-dir` is not given. */
export const defaultStateDir = '.plato';

/** The file `plato up` writes into its state dir while it runs: how to reach it and what it started. */
export const upFileName = 'plato.json';

/** What `plato up` records in {@link upFileName}. */
export interface UpRecord {
  natsUrl: string;
  /** The gateway's base URL. */
  gatewayUrl: string;
  /** The node id of the agent `plato up` runs. */
  nodeId: string;
  /** PIDs by process name: `cli` (plato up itself), `nats-server`, and each service. */
  pids: Record<string, number>;
  startedAt: string;
}

/** What every subcommand gets: its options, where to print, and a lazily opened NATS connection. */
export interface CliContext {
  readonly options: CliOptions;
  readonly logger: Logger;
  /** Writes to stdout. */
  print(text: string): void;
  /** Connects (once) to the NATS the options point at. */
  connect(): Promise<NatsConnection>;
  /** A fresh command id (`cli-<uuid>`). */
  commandId(): string;
}

/** The absolute state dir of the options. */
export function stateDirOf(options: CliOptions): string {
  return resolve(options.stateDir ?? defaultStateDir);
}

/**
 * The NATS servers a client command talks to: `--nats`, else `PLATO_NATS_URL`, else the URL a
 * running `plato up` recorded in the state dir, else the default local URL.
 */
export function natsServersFor(options: CliOptions, env: NodeJS.ProcessEnv = process.env): string[] {
  if (options.nats) return [options.nats];
  if (env['PLATO_NATS_URL']?.trim()) return natsServersFromEnv(env);
  const record = readUpRecord(stateDirOf(options));
  if (record) return [record.natsUrl];
  return natsServersFromEnv(env);
}

/** The record of a `plato up` in `stateDir`, if one is there. */
export function readUpRecord(stateDir: string): UpRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(stateDir, upFileName), 'utf8')) as UpRecord;
  } catch {
    return undefined;
  }
}

/** Builds the context of one CLI run; {@link closeContext} releases its connection. */
export function createContext(options: CliOptions, print: (text: string) => void = (text) => process.stdout.write(text)): CliContext & { close(): Promise<void> } {
  const logger = createLogger('plato');
  let connection: Promise<NatsConnection> | undefined;
  return {
    options,
    logger,
    print,
    connect: () => (connection ??= connectNats({ name: 'plato-cli', servers: natsServersFor(options), logger, timeoutMs: 3_000 })),
    commandId: () => `cli-${randomUUID()}`,
    close: async () => {
      if (!connection) return;
      const nc = await connection.catch(() => undefined);
      await nc?.close();
    },
  };
}
