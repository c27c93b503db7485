import { z } from 'zod';
import { formatDurationMs } from '../deployment/health-check.schema.js';

/** An allocation id: lower-case letters, digits and `-` (a stream token). */
export const AllocationId = z.string().regex(/^[a-z0-9][-a-z0-9]{0,62}$/, "must be lower-case letters, digits and '-'");

/**
 * What the agent last reported of an allocation (Nomad's client status). `unknown`: the agent
 * cannot see its container because the runtime does not answer (it may well still run; it keeps
 * its resources and is not replaced). `complete`, `failed` and `lost` are terminal: the
 * allocation will not run again and takes no resources.
 */
export const AllocationStatus = z.enum(['pending', 'running', 'unknown', 'complete', 'failed', 'lost']);
/** What the agent last reported of an allocation. */
export type AllocationStatus = z.output<typeof AllocationStatus>;

/**
 * Where an allocation is in its life, finer than {@link AllocationStatus} and beside it (the
 * scheduler reads only the status). `placed`: in the log, nothing seen of it yet; `pulling`: its
 * agent fetches its image (an LXD import from the image cache); `starting`: its container exists
 * and is being started; `running`, then `healthy`/`unhealthy` once its health check gave a
 * verdict; `stopping`: its agent began stopping the container on request; `stopped`: gone on
 * request; `exited`: the container exited (with its code; restarted when the policy says so);
 * `failed`: the agent could not run it; `lost`: its node was lost; `unknown`: its runtime does not
 * answer, or its node came back and nobody looked yet. A replica not placed yet has no allocation:
 * the deployment's description says why it is pending.
 */
export const AllocationPhase = z.enum(['placed', 'pulling', 'starting', 'running', 'healthy', 'unhealthy', 'stopping', 'stopped', 'exited', 'failed', 'lost', 'unknown']);
/** Where an allocation is in its life. */
export type AllocationPhase = z.output<typeof AllocationPhase>;

/** What the control plane wants of an allocation. */
export const DesiredStatus = z.enum(['run', 'stop']);

/**
 * Why an allocation is stopped: its deployment was deleted or is unknown (`orphaned`), scaled
 * down, replaced by a newer version (`outdated`), its node is lost, it already ended
 * (`terminal`), another allocation holds the same replica slot (`duplicate`), or its node is
 * drained (`drained`).
 */
export const StopReason = z.enum(['deleted', 'orphaned', 'scaled-down', 'outdated', 'node-lost', 'terminal', 'duplicate', 'drained']);

/** A port as published on the node: container port → host address and port. */
export const PublishedPort = z.strictObject({
  container: z.int().min(1).max(65535),
  host: z.int().min(1).max(65535),
  hostIp: z.string(),
  protocol: z.enum(['tcp', 'udp']),
});
/** A port as published on the node. */
export type PublishedPort = z.output<typeof PublishedPort>;

/**
 * What an agent reports of a container's exit, and the data of `AllocationExited`: the exit code,
 * whether the restart policy restarts it, and for a restart its `attempt` within the policy's
 * interval and the `delayMs` before the start (absent in events written before they existed).
 */
export const ContainerExit = z.strictObject({
  exitCode: z.int(),
  willRestart: z.boolean(),
  attempt: z.int().min(1).optional().describe('with willRestart: the number of this restart within the restart interval, 1 for the first'),
  delayMs: z.int().min(0).optional().describe('with willRestart: the wait before the container starts again'),
});
/** A container's exit as reported and recorded. */
export type ContainerExit = z.output<typeof ContainerExit>;

/**
 * How a restarting exit reads, for people: `restarting after 4s (attempt 3)`, or `restarting` for
 * an exit recorded without its delay and attempt. The history, the timeline and the CLI say it so.
 */
export function restartNote(exit: Pick<ContainerExit, 'attempt' | 'delayMs'>): string {
  const delay = exit.delayMs !== undefined ? ` after ${formatDurationMs(exit.delayMs)}` : '';
  const attempt = exit.attempt !== undefined ? ` (attempt ${exit.attempt})` : '';
  return `restarting${delay}${attempt}`;
}
