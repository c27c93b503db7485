import { z } from 'zod';
import { DurationMs, HealthCheckSpec, formatDurationMs } from './health-check.schema.js';

/** A DNS-label-like name: lower-case letters, digits and `-`, at most 63 characters. */
export const ObjectName = z
  .string()
  .min(1, 'must not be empty')
  .max(63, 'must be at most 63 characters')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be lower-case letters, digits and '-', starting and ending with a letter or digit");

/**
 * A node-label constraint expression: `key=value`, `key!=value`, `key in (a,b)`,
 * `key notin (a,b)`, `key` (label present) or `!key` (label absent).
 */
export const ConstraintExpression = z
  .string()
  .trim()
  .regex(
    /^(!?[A-Za-z0-9_./-]+|[A-Za-z0-9_./-]+\s*(=|!=)\s*[A-Za-z0-9_./-]+|[A-Za-z0-9_./-]+\s+(in|notin)\s+\(\s*[A-Za-z0-9_./-]+(\s*,\s*[A-Za-z0-9_./-]+)*\s*\))$/,
    "must be 'key=value', 'key!=value', 'key in (a,b)', 'key notin (a,b)', 'key' or '!key'",
  );

/** A port the container listens on, published on the host (127.0.0.1 by default). */
export const PortSpec = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,14}$/, 'must be a short lower-case name').optional(),
  container: z.int().min(1).max(65535),
  host: z.int().min(1).max(65535).optional().describe('host port; a free one is chosen when omitted'),
  hostIp: z.ipv4().default('127.0.0.1'),
  protocol: z.enum(['tcp', 'udp']).default('tcp'),
});

/** CPU in millicores and memory in MiB, enforced by the runtime as limits. */
export const ResourcesSpec = z.strictObject({
  cpu: z.int().min(10, 'must be at least 10 millicores').max(256_000),
  memory: z.int().min(4, 'must be at least 4 MiB').max(4_194_304),
});

/** The defaults of a deployment's restart policy, durations in milliseconds (documented in docs/spec.md). */
export const restartDefaults = { policy: 'always', attempts: 0, intervalMs: 1_800_000, delayMs: 1_000, maxDelayMs: 30_000, mode: 'fail' } as const;

/**
 * What the node's agent does when a container exits (Nomad's restart block, applied locally, also
 * while the control plane is unreachable). `policy` says whether an exit is restarted at all:
 * `always`, `on-failure` (an exit code that is neither 0 nor one of `normal_exit_codes`), `never`.
 * A restart waits `delay`, doubled for each earlier restart within `interval`, at most `max_delay`.
 * `attempts` (0: unlimited) bounds the restarts within `interval`; once they are used up, `mode`
 * `fail` ends the allocation as failed (the reschedule policy may replace it) and `delay` waits
 * until the interval allows the next restart.
 */
export const RestartSpec = z
  .strictObject({
    policy: z.enum(['always', 'on-failure', 'never']).default(restartDefaults.policy),
    attempts: z.int().min(0).max(1_000).default(restartDefaults.attempts).describe('restarts within interval; 0 is unlimited'),
    interval: DurationMs(1_000, 7 * 86_400_000).default(restartDefaults.intervalMs).describe('the window restarts are counted in'),
    delay: DurationMs(0, 3_600_000).default(restartDefaults.delayMs).describe('wait before the first restart within interval'),
    max_delay: DurationMs(0, 3_600_000).default(restartDefaults.maxDelayMs).describe('cap of the doubling wait'),
    mode: z.enum(['fail', 'delay']).default(restartDefaults.mode).describe('once attempts are used up: fail the allocation, or wait for the interval'),
    normal_exit_codes: z
      .array(z.int().min(0, 'must be an exit code, 0 … 255').max(255, 'must be an exit code, 0 … 255'))
      .max(256)
      .default([])
      .describe('exit codes that count as success, besides 0'),
  })
  .superRefine(
    (policy, ctx) => {
      if (policy.delay > policy.max_delay) ctx.addIssue({ code: 'custom', path: ['max_delay'], message: `must be at least delay (${policy.delay} ms), got ${policy.max_delay} ms` });
    },
    { when: (payload) => payload.issues.length === 0 },
  );
/** A complete restart policy (durations in milliseconds). */
export type RestartSpec = z.output<typeof RestartSpec>;

const defaultRestartSpec: RestartSpec = RestartSpec.parse({});

/**
 * The complete restart policy of a spec read from the log. A spec stored before a field of the
 * policy existed gets that field's default, so every reader sees the same policy. Never throws.
 */
export function restartPolicyOf(spec: { readonly restart?: unknown }): RestartSpec {
  return RestartSpec.safeParse(spec.restart ?? {}).data ?? defaultRestartSpec;
}

/** Whether a container's exit code counts as success by its restart policy: 0 or one of `normal_exit_codes`. */
export function isNormalExit(policy: Pick<RestartSpec, 'normal_exit_codes'>, exitCode: number): boolean {
  return exitCode === 0 || policy.normal_exit_codes.includes(exitCode);
}

/** The defaults of a deployment's reschedule policy, in milliseconds (documented in docs/spec.md). */
export const rescheduleDefaults = { delayMs: 5_000, maxDelayMs: 300_000, intervalMs: 3_600_000, attempts: 0 } as const;

/**
 * How the cluster replaces an allocation that failed for good (Nomad's reschedule policy): the
 * first replacement of a replica slot waits `delay`, each further failure of that slot within
 * `interval` doubles the wait up to `max_delay`; `attempts` (0: unlimited) bounds the
 * replacements of one slot within `interval`. An allocation lost with its node is replaced at once.
 */
export const RescheduleSpec = z
  .strictObject({
    delay: DurationMs(0, 86_400_000).default(rescheduleDefaults.delayMs).describe('wait before the first replacement of a failed allocation'),
    max_delay: DurationMs(0, 86_400_000).default(rescheduleDefaults.maxDelayMs).describe('cap of the doubling wait'),
    interval: DurationMs(1_000, 7 * 86_400_000).default(rescheduleDefaults.intervalMs).describe('the window failures are counted in'),
    attempts: z.int().min(0).max(1_000).default(rescheduleDefaults.attempts).describe('replacements of one slot within interval; 0 is unlimited'),
  })
  .superRefine((policy, ctx) => {
    if (policy.delay > policy.max_delay) ctx.addIssue({ code: 'custom', path: ['max_delay'], message: `must be at least delay (${policy.delay} ms), got ${policy.max_delay} ms` });
  });
/** A complete reschedule policy (durations in milliseconds). */
export type RescheduleSpec = z.output<typeof RescheduleSpec>;

/** The defaults of a deployment's `update` block, in milliseconds where a duration (documented in docs/spec.md). */
export const updateDefaults = {
  maxParallel: 1,
  minHealthyTimeMs: 10_000,
  healthyDeadlineMs: 300_000,
  progressDeadlineMs: 600_000,
  canary: 0,
  autoRevert: true,
  order: 'stop-first',
} as const;

/**
 * How a new version replaces the running one (Nomad's update block): a *rollout*. `max_parallel`
 * replicas are replaced at a time, the next batch once the new ones serve — run, pass the health
 * check when there is one — for `min_healthy_time` without a break. A new replica that does not
 * within `healthy_deadline` of its placement, or a rollout that makes no progress for
 * `progress_deadline` (0: never), fails the rollout; with `auto_revert` the last stable version
 * comes back as a new version. `canary` new replicas are first placed beside the old ones and the
 * rollout waits for `plato rollout promote`. `order` says whether an old replica stops before its
 * replacement is placed (`stop-first`) or after the replacement serves (`start-first`, which needs
 * room for both). Without it, a new version replaces every replica at once.
 */
export const UpdateSpec = z
  .strictObject({
    max_parallel: z.int().min(1).max(10_000).default(updateDefaults.maxParallel).describe('replicas replaced at once: at most this many not serving'),
    min_healthy_time: DurationMs(0, 3_600_000).default(updateDefaults.minHealthyTimeMs).describe('how long a new replica must serve without a break to count'),
    healthy_deadline: DurationMs(1_000, 86_400_000).default(updateDefaults.healthyDeadlineMs).describe('a new replica not counted by then fails the rollout'),
    progress_deadline: DurationMs(0, 86_400_000).default(updateDefaults.progressDeadlineMs).describe('a rollout with no replica counted for this long fails; 0 never'),
    canary: z.int().min(0).max(10_000).default(updateDefaults.canary).describe('new replicas placed beside the old ones, then wait for promotion'),
    auto_revert: z.boolean().default(updateDefaults.autoRevert).describe('a failed rollout brings the last stable version back'),
    order: z.enum(['stop-first', 'start-first']).default(updateDefaults.order).describe('stop an old replica before its replacement is placed, or after it serves'),
  })
  .superRefine((update, ctx) => {
    if (update.healthy_deadline <= update.min_healthy_time) {
      ctx.addIssue({ code: 'custom', path: ['healthy_deadline'], message: `must be longer than min_healthy_time (${formatDurationMs(update.min_healthy_time)}), got ${formatDurationMs(update.healthy_deadline)}` });
    }
    if (update.progress_deadline !== 0 && update.progress_deadline < update.healthy_deadline) {
      ctx.addIssue({ code: 'custom', path: ['progress_deadline'], message: `must be 0 or at least healthy_deadline (${formatDurationMs(update.healthy_deadline)}), got ${formatDurationMs(update.progress_deadline)}` });
    }
  });
/** A complete update block (durations in milliseconds). */
export type UpdateSpec = z.output<typeof UpdateSpec>;

/** How a drain moves the deployment's replicas off a node (Nomad's migrate block). */
export const MigrateSpec = z.strictObject({
  max_parallel: z.int().min(1).max(10_000).default(1).describe('replicas moved at once: at most this many unavailable'),
});

/**
 * The desired state of a deployment, as a user writes it. Defaults are filled in by parsing, so a
 * stored spec is always complete. Documented field by field in docs/spec.md. An `http` or `tcp`
 * health check must probe a declared TCP port, named by its `name` or container port.
 */
export const DeploymentSpec = z
  .strictObject({
    name: ObjectName,
    namespace: ObjectName.default('default'),
    image: z.string().min(1, 'must name an image').regex(/^[^\s]+$/, 'must not contain whitespace'),
    command: z.array(z.string()).optional(),
    args: z.array(z.string()).optional(),
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment variable names are letters, digits and _'), z.string())
      .default({}),
    replicas: z.int().min(0).max(10_000).default(1),
    resources: ResourcesSpec.default({ cpu: 100, memory: 64 }),
    ports: z.array(PortSpec).default([]),
    runtime: z.enum(['docker', 'lxd']).default('docker'),
    constraints: z.array(ConstraintExpression).default([]),
    strategy: z.enum(['binpack', 'spread']).default('binpack'),
    restart: RestartSpec.default({
      policy: restartDefaults.policy,
      attempts: restartDefaults.attempts,
      interval: restartDefaults.intervalMs,
      delay: restartDefaults.delayMs,
      max_delay: restartDefaults.maxDelayMs,
      mode: restartDefaults.mode,
      normal_exit_codes: [],
    }),
    reschedule: RescheduleSpec.default({
      delay: rescheduleDefaults.delayMs,
      max_delay: rescheduleDefaults.maxDelayMs,
      interval: rescheduleDefaults.intervalMs,
      attempts: rescheduleDefaults.attempts,
    }),
    update: UpdateSpec.optional().describe('roll a new version out max_parallel replicas at a time (a rollout); all at once without it'),
    migrate: MigrateSpec.default({ max_parallel: 1 }),
    health: HealthCheckSpec.optional().describe('a check the agent runs against each running container'),
  })
  .superRefine((spec, ctx) => {
    const health = spec.health;
    if (!health) return;
    if ((health.type !== 'http' && health.type !== 'tcp') || (typeof health.port !== 'number' && typeof health.port !== 'string')) return;
    const port = declaredPort(spec.ports, health.port);
    if (!port) {
      ctx.addIssue({ code: 'custom', path: ['health', 'port'], message: `no port ${typeof health.port === 'number' ? `with container port ${health.port}` : `named '${health.port}'`} in ports` });
    } else if (port.protocol === 'udp') {
      ctx.addIssue({ code: 'custom', path: ['health', 'port'], message: `port ${String(health.port)} is udp; a ${health.type} check needs a tcp port` });
    }
  });

/** A complete deployment spec (defaults filled in). */
export type DeploymentSpec = z.output<typeof DeploymentSpec>;
/** A deployment spec as a user may write it (defaults optional). */
export type DeploymentSpecInput = z.input<typeof DeploymentSpec>;

/**
 * The declared port a health check names: by `name` when `ref` is a string, by container port
 * when it is a number; undefined when none is declared.
 */
export function declaredPort<P extends { name?: string | undefined; container: number }>(ports: readonly P[] | undefined, ref: string | number): P | undefined {
  if (!Array.isArray(ports)) return undefined;
  return ports.find((port) => typeof port === 'object' && port !== null && (typeof ref === 'number' ? port.container === ref : port.name === ref));
}
