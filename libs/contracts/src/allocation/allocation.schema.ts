import { z } from 'zod';

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
