import { z } from 'zod';
import { CommandAccepted, CommandId } from '../command.schema.js';
import { ObjectName } from '../deployment/deployment-spec.schema.js';
import { HealthStatus } from '../deployment/health-check.schema.js';
import { defineCommand, defineQuery } from '../message.js';
import { NodeCapacity, NodeId, Runtime } from '../node/node.schema.js';
import { Subjects } from '../subjects.js';
import { AllocationId, AllocationPhase, AllocationStatus, ContainerExit, DesiredStatus, PublishedPort, StopReason } from './allocation.schema.js';

/**
 * What an agent observed of one allocation on its node. `healthy`/`unhealthy` are the outcome of
 * the spec's health check on the container `containerId`; one about a container the allocation no
 * longer runs changes nothing. `pulling`, `starting` and `stopping` are steps the agent began
 * (fetching the image, starting the container, stopping it on request); they change the
 * allocation's phase, never its status.
 */
export const AllocationReport = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('pulling'), image: z.string().min(1), reason: z.string().min(1) }),
  z.strictObject({ kind: z.literal('starting'), containerId: z.string().min(1) }),
  z.strictObject({ kind: z.literal('stopping'), containerId: z.string().min(1) }),
  z.strictObject({ kind: z.literal('started'), containerId: z.string().min(1), ports: z.array(PublishedPort).default([]) }),
  ContainerExit.extend({ kind: z.literal('exited') }),
  z.strictObject({ kind: z.literal('failed'), reason: z.string().min(1) }),
  z.strictObject({ kind: z.literal('stopped') }),
  z.strictObject({ kind: z.literal('unknown'), reason: z.string().min(1) }),
  z.strictObject({ kind: z.literal('healthy'), containerId: z.string().min(1) }),
  z.strictObject({ kind: z.literal('unhealthy'), containerId: z.string().min(1), reason: z.string().min(1) }),
]);
/** What an agent observed of one allocation. */
export type AllocationReport = z.output<typeof AllocationReport>;

/**
 * An agent reports what happened to an allocation of its node. A report that changes nothing
 * (the same container started again) writes nothing; a report about another node's allocation
 * is refused.
 */
export const ReportAllocation = defineCommand(
  Subjects.command.allocationReport,
  1,
  z.strictObject({ commandId: CommandId, nodeId: NodeId, allocId: AllocationId, report: AllocationReport }),
  CommandAccepted,
);

/** An allocation as the projection holds it. */
export const AllocationView = z.strictObject({
  allocId: z.string(),
  nodeId: z.string(),
  namespace: z.string(),
  deployment: z.string(),
  version: z.int(),
  index: z.int(),
  runtime: Runtime,
  image: z.string(),
  resources: NodeCapacity,
  desired: DesiredStatus,
  status: AllocationStatus,
  state: z
    .strictObject({ phase: AllocationPhase, since: z.string(), reason: z.string().optional(), exitCode: z.int().optional() })
    .describe('where the allocation is in its life (finer than `status`), since when, and why; `exitCode` while `exited`'),
  stopReason: StopReason.optional(),
  exitCode: z.int().optional(),
  failure: z.string().optional(),
  containerId: z.string().optional(),
  restarts: z.int().min(0).optional().describe('restarts of its container since it was placed; absent before the first'),
  restartDelayMs: z.int().min(0).optional().describe('while pending after an exit: the wait the agent announced before the restart'),
  health: z
    .strictObject({ status: HealthStatus, reason: z.string().optional(), since: z.string() })
    .optional()
    .describe("the health check's verdict on the running container, and since when; absent until its first verdict"),
  ports: z.array(PublishedPort),
  placedAt: z.string(),
  updatedAt: z.string(),
  revision: z.int(),
});
/** An allocation as the projection holds it. */
export type AllocationView = z.output<typeof AllocationView>;

/** Lists allocations, filtered by namespace, deployment and node; terminal ones only when asked. */
export const ListAllocations = defineQuery(
  Subjects.query.allocationList,
  1,
  z.strictObject({
    namespace: ObjectName.optional(),
    deployment: ObjectName.optional(),
    nodeId: NodeId.optional(),
    includeTerminal: z.boolean().default(false),
  }),
  z.strictObject({ items: z.array(AllocationView) }),
);

/**
 * One step of an allocation's life: the phase it entered, when (`at`, the event's time), at which
 * log position, through which event, and why.
 */
export const AllocationTransition = z.strictObject({
  phase: AllocationPhase,
  at: z.string(),
  position: z.int().min(1),
  event: z.string(),
  reason: z.string().optional(),
  exitCode: z.int().optional(),
});
/** One step of an allocation's life. */
export type AllocationTransition = z.output<typeof AllocationTransition>;

/** An allocation with its timeline, oldest step first. */
export const AllocationDescription = z.strictObject({
  allocation: AllocationView,
  timeline: z.array(AllocationTransition),
});
/** An allocation with its timeline. */
export type AllocationDescription = z.output<typeof AllocationDescription>;

/**
 * Describes one allocation, ended ones included: its view and every phase it went through.
 * `nodeId`, when given, must be the allocation's node. NOT_FOUND when it was never placed (there).
 */
export const DescribeAllocation = defineQuery(
  Subjects.query.allocationDescribe,
  1,
  z.strictObject({ allocId: AllocationId, nodeId: NodeId.optional() }),
  AllocationDescription,
);
