import { z } from 'zod';
import { defineEvent } from '../message.js';
import { NodeCapacity, NodeId, NodeLabels, Runtime } from './node.schema.js';

/** An agent registered its node, or registered it again with other capacity, labels or runtimes. */
export const NodeRegistered = defineEvent(
  'NodeRegistered',
  1,
  z.strictObject({
    nodeId: NodeId,
    hostname: z.string().min(1),
    capacity: NodeCapacity,
    labels: NodeLabels,
    runtimes: z.array(Runtime),
  }),
);

/** An operator took the node out of scheduling; what runs there keeps running. */
export const NodeCordoned = defineEvent('NodeCordoned', 1, z.strictObject({}));

/**
 * An operator drains the node (it is cordoned too): the scheduler moves its allocations elsewhere,
 * respecting each deployment's `migrate.max_parallel`, and after `deadline` stops what is left.
 */
export const NodeDrainStarted = defineEvent('NodeDrainStarted', 1, z.strictObject({ deadline: z.iso.datetime().optional() }));

/** Nothing wanted runs on the draining node any more; it stays cordoned. */
export const NodeDrained = defineEvent('NodeDrained', 1, z.strictObject({}));

/** The node takes new allocations again (a drain ends). */
export const NodeUncordoned = defineEvent('NodeUncordoned', 1, z.strictObject({}));

/** The node's heartbeats stopped for longer than the liveness timeout; its allocations are lost. */
export const NodeLost = defineEvent(
  'NodeLost',
  1,
  z.strictObject({ lastSeen: z.iso.datetime(), timeoutMs: z.int().min(1) }),
);

/** A lost node heartbeats again. */
export const NodeRecovered = defineEvent('NodeRecovered', 1, z.strictObject({}));

/**
 * A runtime the node offers stopped answering its agent (the LXD daemon stopped, the Docker socket
 * went away). Nothing new of that runtime is placed on the node; its allocations there are
 * `unknown` until it answers again.
 */
export const NodeRuntimeUnavailable = defineEvent('NodeRuntimeUnavailable', 1, z.strictObject({ runtime: Runtime, reason: z.string().min(1) }));

/** A runtime of the node that was unavailable answers its agent again. */
export const NodeRuntimeAvailable = defineEvent('NodeRuntimeAvailable', 1, z.strictObject({ runtime: Runtime }));
