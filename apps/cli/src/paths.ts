import { fileURLToPath } from 'node:url';

/**
 * The state-server's entry point that `plato up` runs: `$PLATO_STATE_SERVER_MAIN`, else the built
 * app beside this one in the repo (`apps/state-server/dist/main.js`; this file sits at the same
 * depth in `src/` and `dist/`).
 */
export function stateServerMain(env: NodeJS.ProcessEnv = process.env): string {
  return env['PLATO_STATE_SERVER_MAIN'] ?? fileURLToPath(new URL('../../state-server/dist/main.js', import.meta.url));
}

/** The nats-server binary `plato up` runs: `$PLATO_NATS_SERVER`, else `nats-server` on PATH. */
export function natsServerBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env['PLATO_NATS_SERVER'] ?? 'nats-server';
}
