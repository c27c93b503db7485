import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * The one logger factory of Plato's processes: pino, JSON lines on stderr (stdout stays free for
 * a command's output), level from `PLATO_LOG_LEVEL` (default `info`, `warn` under Jest).
 */
export function createLogger(name: string, env: NodeJS.ProcessEnv = process.env): Logger {
  const level = env['PLATO_LOG_LEVEL'] ?? (env['NODE_ENV'] === 'test' ? 'warn' : 'info');
  return pino({ name, level }, pino.destination({ dest: 2, sync: true }));
}
