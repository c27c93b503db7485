/** The NATS URL every Plato process uses when `PLATO_NATS_URL` is not set. */
export const defaultNatsUrl = 'nats://127.0.0.1:4222';

/**
 * The NATS servers to connect to: `PLATO_NATS_URL` (comma-separated URLs), or
 * {@link defaultNatsUrl}. The one place Plato reads its NATS address from the environment.
 */
export function natsServersFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const value = env['PLATO_NATS_URL']?.trim();
  if (!value) return [defaultNatsUrl];
  return value
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url.length > 0);
}
