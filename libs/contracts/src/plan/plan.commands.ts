import { z } from 'zod';
import { AllocationId, StopReason } from '../allocation/allocation.schema.js';
import { CommandId } from '../command.schema.js';
import { ObjectName } from '../deployment/deployment-spec.schema.js';
import { defineCommand } from '../message.js';
import { NodeCapacity, NodeId } from '../node/node.schema.js';
import { Subjects } from '../subjects.js';

/** How many nodes failed one check while placing a deployment. */
export const FailedCheck = z.strictObject({ check: z.string().min(1), nodes: z.int().min(0) });

/** Replicas of a deployment version a plan could not place, and why. */
export const UnplacedReplicas = z.strictObject({
  namespace: ObjectName,
  deployment: ObjectName,
  version: z.int().min(1),
  count: z.int().min(1),
  reasons: z.array(FailedCheck),
  summary: z.string(),
});

/** A deployment version the plan finds crash-looping (see `DeploymentDegraded`). */
export const DegradedDeployment = z.strictObject({
  namespace: ObjectName,
  deployment: ObjectName,
  version: z.int().min(1),
  reason: z.string().min(1),
  failing: z.array(z.int().min(0)),
  givenUp: z.array(z.int().min(0)),
});

/** The end of a rollout the plan finds: `completed`, or `failed` and why (see `RolloutCompleted`, `RolloutFailed`). */
export const RolloutOutcome = z.strictObject({
  namespace: ObjectName,
  deployment: ObjectName,
  version: z.int().min(1),
  outcome: z.enum(['completed', 'failed']),
  reason: z.string().min(1).optional().describe('why it failed'),
});
/** The end of a rollout a plan finds. */
export type RolloutOutcome = z.output<typeof RolloutOutcome>;

/** A scheduler's plan: new allocations, stops, and what it could not place — data, not actions. */
export const PlanPayload = z.strictObject({
  basedOn: z.int().min(0),
  createdAt: z.int().min(0),
  placements: z.array(
    z.strictObject({
      allocId: AllocationId,
      nodeId: NodeId,
      namespace: ObjectName,
      deployment: ObjectName,
      version: z.int().min(1),
      index: z.int().min(0),
      resources: NodeCapacity,
    }),
  ),
  stops: z.array(z.strictObject({ allocId: AllocationId, nodeId: NodeId, reason: StopReason })),
  unplaced: z.array(UnplacedReplicas),
  recoveries: z.array(z.strictObject({ allocId: AllocationId, nodeId: NodeId })).default([]).describe('lost allocations on a node that came back, kept'),
  degraded: z.array(DegradedDeployment).default([]).describe('every deployment the plan finds degraded'),
  rollouts: z.array(RolloutOutcome).default([]).describe('rollouts the plan finds completed or failed'),
});
/** A scheduler's plan. */
export type PlanPayload = z.output<typeof PlanPayload>;

/**
 * The leader scheduler submits a plan. The state-server applies it only if every node it places
 * on is still ready, uncordoned, offers the runtime and has room, and no deployment would get more
 * replicas than it asks for, all at the current log position; otherwise it refuses the whole plan
 * with a CONFLICT naming the nodes and deployments, and the scheduler plans again.
 */
export const SubmitPlan = defineCommand(
  Subjects.command.planSubmit,
  1,
  z.strictObject({ commandId: CommandId, plan: PlanPayload }),
  z.strictObject({ placed: z.int().min(0), stopped: z.int().min(0), position: z.int().min(0) }),
);
