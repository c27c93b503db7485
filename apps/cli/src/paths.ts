import { fileURLToPath } from 'node:url';

/** The services `plato up` runs beside nats-server, in start order. */
export const serviceNames = ['state-server', 'scheduler', 'gateway', 'agent'] as const;
/** One of {@link serviceNames}. */
export type ServiceName = (typeof serviceNames)[number];

/**
 * The entry point of a service that `plato up` runs: `$PLATO_<NAME>_MAIN` (e.g.
 * `PLATO_STATE_SERVER_MAIN`), else the built app beside this one in the repo
 * (`apps/<name>/dist/main.js`; this file sits at the same depth in `src/` and `dist/`).
 */
export function serviceMain(name: ServiceName, env: NodeJS.ProcessEnv = process.env): string {
  const variable = `PLATO_${name.toUpperCase().replace(/-/g, '_')}_MAIN`;
  return env[variable] ?? fileURLToPath(new URL(`../../${name}/dist/main.js`, import.meta.url));
}

/** The nats-server binary `plato up` runs: `$PLATO_NATS_SERVER`, else `nats-server` on PATH. */
export function natsServerBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env['PLATO_NATS_SERVER'] ?? 'nats-server';
}
