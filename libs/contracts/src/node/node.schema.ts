import { z } from 'zod';

/** A node id: lower-case letters, digits and `-`, at most 63 characters (a stream token). */
export const NodeId = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "must be lower-case letters, digits and '-', at most 63 characters");

/** A container runtime a node offers and a deployment asks for. */
export const Runtime = z.enum(['docker', 'lxd']);
/** A container runtime. */
export type Runtime = z.output<typeof Runtime>;

/** What a node offers in total: CPU in millicores, memory in MiB. */
export const NodeCapacity = z.strictObject({ cpu: z.int().min(1), memory: z.int().min(1) });

/** A runtime the node offers that does not answer now, and what its agent saw when it tried. */
export const UnavailableRuntime = z.strictObject({ runtime: Runtime, reason: z.string().min(1) });
/** A runtime the node offers that does not answer now. */
export type UnavailableRuntime = z.output<typeof UnavailableRuntime>;

/** Node labels, matched by deployments' constraints. */
export const NodeLabels = z.record(
  z.string().regex(/^[A-Za-z0-9_./-]{1,63}$/, "label keys are letters, digits, '_', '.', '/' or '-'"),
  z.string().regex(/^[A-Za-z0-9_./-]{0,63}$/, "label values are letters, digits, '_', '.', '/' or '-'"),
);

/**
 * A node's liveness: `ready` heartbeats on time; `lost` missed heartbeats for longer than the
 * liveness timeout (its allocations are replaced elsewhere). `down` is reserved for a shorter
 * grace state.
 */
export const NodeState = z.enum(['ready', 'down', 'lost']);
/** A node's liveness. */
export type NodeState = z.output<typeof NodeState>;
