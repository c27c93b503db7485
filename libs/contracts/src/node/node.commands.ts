import { z } from 'zod';
import { CommandAccepted, CommandId } from '../command.schema.js';
import { defineCommand, defineQuery } from '../message.js';
import { Subjects } from '../subjects.js';
import { NodeCapacity, NodeId, NodeLabels, NodeState, Runtime, UnavailableRuntime } from './node.schema.js';

/**
 * An agent (re)registers its node: its facts, and which of the runtimes it offers do not answer
 * now (Nomad's driver health). The agent sends it again whenever either changes. Registering the
 * same facts and the same health again writes nothing.
 */
export const RegisterNode = defineCommand(
  Subjects.command.nodeRegister,
  1,
  z
    .strictObject({
      commandId: CommandId,
      nodeId: NodeId,
      hostname: z.string().min(1),
      capacity: NodeCapacity,
      labels: NodeLabels.default({}),
      runtimes: z.array(Runtime),
      unavailableRuntimes: z.array(UnavailableRuntime).default([]),
    })
    .superRefine((command, ctx) => {
      command.unavailableRuntimes.forEach((entry, i) => {
        if (!command.runtimes.includes(entry.runtime)) {
          ctx.addIssue({ code: 'custom', path: ['unavailableRuntimes', i, 'runtime'], message: `${entry.runtime} is not one of the node's runtimes (${command.runtimes.join(', ') || 'none'})` });
        }
      });
    }),
  CommandAccepted,
);

/** Takes a node out of scheduling. */
export const CordonNode = defineCommand(
  Subjects.command.nodeCordon,
  1,
  z.strictObject({ commandId: CommandId, nodeId: NodeId }),
  CommandAccepted,
);

/**
 * Drains a node: cordons it and has the scheduler move its allocations elsewhere, each deployment
 * at most `migrate.max_parallel` replicas unavailable at a time; once `deadlineMs` has passed,
 * whatever is left is stopped at once. When nothing runs there any more the node is `NodeDrained`.
 */
export const DrainNode = defineCommand(
  Subjects.command.nodeDrain,
  1,
  z.strictObject({ commandId: CommandId, nodeId: NodeId, deadlineMs: z.int().min(0).max(7 * 86_400_000).optional().describe('from now; none: wait as long as it takes') }),
  CommandAccepted,
);

/** Returns a cordoned node to scheduling; ends a drain. */
export const UncordonNode = defineCommand(
  Subjects.command.nodeUncordon,
  1,
  z.strictObject({ commandId: CommandId, nodeId: NodeId }),
  CommandAccepted,
);

/**
 * A node's heartbeat, published (no reply) on `plato.heartbeat.<nodeId>` every interval. Not an
 * event: only its absence becomes one (`NodeLost`).
 */
export const NodeHeartbeat = z.strictObject({ nodeId: NodeId, at: z.iso.datetime(), runtimes: z.array(Runtime) });
/** A node's heartbeat. */
export type NodeHeartbeat = z.output<typeof NodeHeartbeat>;

/** A node as the projection holds it. */
export const NodeView = z.strictObject({
  nodeId: z.string(),
  hostname: z.string(),
  state: NodeState,
  cordoned: z.boolean(),
  capacity: NodeCapacity,
  allocated: NodeCapacity.extend({ cpu: z.int().min(0), memory: z.int().min(0) }),
  labels: NodeLabels,
  runtimes: z.array(Runtime),
  /** The runtimes of `runtimes` that do not answer now; nothing new is placed on them. */
  unavailableRuntimes: z.array(UnavailableRuntime),
  drain: z
    .strictObject({ status: z.enum(['draining', 'drained']), since: z.string(), deadline: z.string().optional() })
    .optional()
    .describe('present from `plato drain` until uncordon'),
  allocations: z.int().min(0),
  revision: z.int(),
});
/** A node as the projection holds it. */
export type NodeView = z.output<typeof NodeView>;

/** Lists the nodes. */
export const ListNodes = defineQuery(Subjects.query.nodeList, 1, z.strictObject({}), z.strictObject({ items: z.array(NodeView) }));

/** Reads one node. */
export const GetNode = defineQuery(Subjects.query.nodeGet, 1, z.strictObject({ nodeId: NodeId }), NodeView);
