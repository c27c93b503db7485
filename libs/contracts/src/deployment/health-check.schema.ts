import { z } from 'zod';

const durationUnits: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const durationPattern = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;
const durationHint = "must be a duration: '500ms', '5s', '1m' or whole milliseconds";

/**
 * Milliseconds of a duration written `500ms`, `5s`, `1.5s`, `2m` or `1h` (rounded to a whole
 * millisecond); undefined when `text` is not one.
 */
export function parseDurationMs(text: string): number | undefined {
  const match = durationPattern.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * durationUnits[match[2]!]!);
}

/** A whole number of milliseconds as a reader would write it back: `500ms`, `5s`, `1.5m`, `2h`. */
export function formatDurationMs(ms: number): string {
  if (ms >= 3_600_000 && ms % 360_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 6_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1_000 && ms % 100 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}

/**
 * A duration a user may write friendly (`'5s'`, `'500ms'`) or as whole milliseconds; it parses to
 * whole milliseconds, which the schema accepts again, so a parsed spec re-parses to itself (specs
 * are re-validated inside events). `min` and `max` bound it, in milliseconds.
 */
export function DurationMs(min: number, max: number) {
  return z
    .union([z.int(), z.string()], { error: durationHint })
    .transform((value, ctx) => {
      if (typeof value === 'number') return value;
      const ms = parseDurationMs(value);
      if (ms === undefined) {
        ctx.issues.push({ code: 'custom', message: durationHint, input: value });
        return z.NEVER;
      }
      return ms;
    })
    .pipe(
      z
        .int()
        .min(min, `must be at least ${formatDurationMs(min)}`)
        .max(max, `must be at most ${formatDurationMs(max)}`),
    );
}

/** The defaults of a health check's timing, in milliseconds (documented in docs/spec.md). */
export const healthCheckDefaults = { intervalMs: 10_000, timeoutMs: 2_000, failures: 3, graceMs: 5_000 } as const;

const timing = {
  interval: DurationMs(100, 3_600_000).default(healthCheckDefaults.intervalMs).describe('time between two probes'),
  timeout: DurationMs(1, 600_000).default(healthCheckDefaults.timeoutMs).describe('a probe that takes longer fails'),
  failures: z
    .int()
    .min(1, 'must be at least 1')
    .max(100, 'must be at most 100')
    .default(healthCheckDefaults.failures)
    .describe('consecutive failures that make the allocation unhealthy'),
  grace: DurationMs(0, 3_600_000)
    .default(healthCheckDefaults.graceMs)
    .describe('after the container starts, failures do not count for this long (a success counts at once)'),
};

/** The port a check probes: a declared port's `name`, or its `container` port. */
export const HealthCheckPort = z.union([z.int().min(1).max(65535), z.string().min(1)], {
  error: "must name a declared port: its 'name' or its container port",
});

/**
 * A check the agent runs against a running container to tell whether it serves (Nomad's service
 * check, Kubernetes' liveness probe): `http` GETs `path` on the port's 127.0.0.1 publication and
 * wants `status` (any 2xx or 3xx when omitted); `tcp` opens a connection to it; `exec` runs
 * `command` inside the container and wants exit code 0. Durations are milliseconds once parsed.
 */
export const HealthCheckSpec = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('http'),
      port: HealthCheckPort,
      path: z.string().regex(/^\/\S*$/, "must be a path starting with '/'").default('/'),
      status: z.int().min(100).max(599).optional().describe('the status wanted; any 2xx or 3xx when omitted'),
      ...timing,
    }),
    z.strictObject({ type: z.literal('tcp'), port: HealthCheckPort, ...timing }),
    z.strictObject({
      type: z.literal('exec'),
      command: z.array(z.string()).min(1, 'must name a command to run in the container'),
      ...timing,
    }),
  ],
  { error: "must be 'http', 'tcp' or 'exec'" },
);
/** A complete health check (defaults filled in, durations in milliseconds). */
export type HealthCheckSpec = z.output<typeof HealthCheckSpec>;

/**
 * Whether a health check's allocation is healthy: what `AllocationHealthy` and
 * `AllocationUnhealthy` record.
 */
export const HealthStatus = z.enum(['healthy', 'unhealthy']);
/** Whether a health check's allocation is healthy. */
export type HealthStatus = z.output<typeof HealthStatus>;
