import { z } from 'zod';
import { DeploymentSpec, ObjectName } from '../deployment/deployment-spec.schema.js';
import { defineEvent } from '../message.js';
import { NodeId } from '../node/node.schema.js';
import { AllocationId, ContainerExit, PublishedPort, StopReason } from './allocation.schema.js';

/**
 * The scheduler placed one replica of a deployment version on a node. Carries the whole spec of
 * that version, so the node's agent converges from its own allocation streams alone. An
 * allocation never moves: rescheduling stops one and places another.
 */
export const AllocationPlaced = defineEvent(
  'AllocationPlaced',
  1,
  z.strictObject({
    allocId: AllocationId,
    nodeId: NodeId,
    namespace: ObjectName,
    deployment: ObjectName,
    version: z.int().min(1),
    index: z.int().min(0),
    spec: DeploymentSpec,
    basedOn: z.int().min(0),
  }),
);

/** The control plane wants the allocation stopped (desired `stop`), and why. */
export const AllocationStopRequested = defineEvent('AllocationStopRequested', 1, z.strictObject({ reason: StopReason }));

/**
 * The agent began fetching the allocation's image because the runtime does not hold it (an LXD
 * image imported from the image cache; Docker never fetches). `reason` says from where. Phase
 * `pulling`; the status does not change.
 */
export const AllocationPullBegan = defineEvent(
  'AllocationPullBegan',
  1,
  z.strictObject({ image: z.string().min(1), reason: z.string().min(1) }),
);

/**
 * The agent is starting the container `containerId`: just created, or exited and started again by
 * the restart policy. Phase `starting` until `AllocationStarted` (or `AllocationFailed`); the
 * status does not change.
 */
export const AllocationStartBegan = defineEvent('AllocationStartBegan', 1, z.strictObject({ containerId: z.string().min(1) }));

/** The agent started the allocation's container. */
export const AllocationStarted = defineEvent(
  'AllocationStarted',
  1,
  z.strictObject({ containerId: z.string().min(1), ports: z.array(PublishedPort) }),
);

/**
 * The container exited with `exitCode`. `willRestart` says whether the agent restarts it by the
 * spec's restart policy; if not, the allocation is over (`complete` on 0 or one of the policy's
 * `normal_exit_codes`, `failed` otherwise). With a restart, `attempt` is its number among the
 * restarts within the policy's interval (1 for the first) and `delayMs` the wait before the start.
 * Both are optional: events written before they existed have neither.
 */
export const AllocationExited = defineEvent('AllocationExited', 1, ContainerExit);

/** The agent could not run the allocation (no such image, the runtime refused); terminal. */
export const AllocationFailed = defineEvent('AllocationFailed', 1, z.strictObject({ reason: z.string().min(1) }));

/**
 * The agent cannot see the allocation's container: the runtime it runs on does not answer.
 * Not terminal: the container may still run, and the next `AllocationStarted` (same container,
 * adopted) or `AllocationExited` says what the agent found once the runtime answers again.
 */
export const AllocationUnknown = defineEvent('AllocationUnknown', 1, z.strictObject({ reason: z.string().min(1) }));

/**
 * The spec's health check passed on the running container after it had not (since the container
 * started, or since it was unhealthy). Written once per change, not per probe.
 */
export const AllocationHealthy = defineEvent('AllocationHealthy', 1, z.strictObject({}));

/**
 * The spec's health check failed `failures` times in a row on the running container, after the
 * grace period; `reason` says how the last probe failed. Written once per change. Under restart
 * policy `always` or `on-failure` the agent then stops the container, and the usual
 * `AllocationExited` (willRestart) and `AllocationStarted` follow.
 */
export const AllocationUnhealthy = defineEvent('AllocationUnhealthy', 1, z.strictObject({ reason: z.string().min(1) }));

/**
 * The agent began stopping the container `containerId` because the allocation's stop was
 * requested (SIGTERM, SIGKILL after its timeout, then removal). Phase `stopping` until
 * `AllocationStopped`; the status does not change.
 */
export const AllocationStopBegan = defineEvent('AllocationStopBegan', 1, z.strictObject({ containerId: z.string().min(1) }));

/** The agent stopped and removed the container after a stop request; terminal. */
export const AllocationStopped = defineEvent('AllocationStopped', 1, z.strictObject({}));

/**
 * The allocation's node was lost; its resources are freed and its replica slot is placed again
 * elsewhere. Written by the state-server with `NodeLost`. Terminal unless the node comes back
 * before the slot found another allocation: then `AllocationRecovered` adopts it again.
 */
export const AllocationLost = defineEvent('AllocationLost', 1, z.strictObject({ nodeId: NodeId }));

/**
 * The node of a lost allocation came back, and nothing replaced the allocation meanwhile, so the
 * scheduler keeps it: its status is `unknown` until the agent reports what it finds (a container
 * still running is adopted, not restarted). Written by the state-server from a plan.
 */
export const AllocationRecovered = defineEvent('AllocationRecovered', 1, z.strictObject({ nodeId: NodeId }));
