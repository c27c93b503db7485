import { z } from 'zod';
import { AllocationId, StopReason } from '../allocation/allocation.schema.js';
import { defineQuery } from '../message.js';
import { NodeId } from '../node/node.schema.js';
import { UnplacedReplicas } from '../plan/plan.commands.js';
import { Subjects } from '../subjects.js';
import { DeploymentSpec, ObjectName } from './deployment-spec.schema.js';

/**
 * What an apply of the spec does to the deployment: `create` (it never existed), `recreate` (it
 * was deleted), `new-version` (a changed spec), `scale` (only `replicas` changed), `unchanged`.
 */
export const PlannedChange = z.enum(['create', 'recreate', 'new-version', 'scale', 'unchanged']);
/** What an apply of the spec does to the deployment. */
export type PlannedChange = z.output<typeof PlannedChange>;

/**
 * How the allocations that run now are treated: `in-place` (kept; a scale adds or stops replicas),
 * `replacement` (a new version: each is stopped as `outdated` and a new one placed), `none` (no
 * existing allocation is touched by the change: a create, a recreate, or nothing to do).
 */
export const PlannedUpdate = z.enum(['none', 'in-place', 'replacement']);
/** How the allocations that run now are treated. */
export type PlannedUpdate = z.output<typeof PlannedUpdate>;

/**
 * A dry run of applying a spec, computed by the state-server against its cluster projection at
 * `position`: the deployment's diff, then the scheduler's pure `plan()` on the cluster with the
 * deployment as the apply would leave it. Nothing is written. Apply the same spec with
 * `ifRevision: revision` to apply it only if the deployment did not change since.
 */
export const DeploymentPlanPreview = z.strictObject({
  namespace: ObjectName,
  name: ObjectName,
  revision: z.int().min(0).describe("the deployment's revision the preview was computed against (0: it never existed); apply with ifRevision set to it"),
  position: z.int().min(0).describe('the log position of the cluster state the preview was computed from'),
  change: PlannedChange,
  update: PlannedUpdate,
  fromVersion: z.int().min(0).describe('the version before the apply (0: it never existed)'),
  version: z.int().min(1).describe('the version after the apply'),
  replicas: z
    .strictObject({ from: z.int().min(0), to: z.int().min(0) })
    .describe('the replica count before (0: it never existed or was deleted) and after the apply'),
  changedFields: z.array(z.string()).describe('top-level spec fields the apply changes, in spec order (empty for create and unchanged)'),
  events: z.array(z.string()).describe('the event types the apply would write (none when unchanged)'),
  placements: z
    .array(z.strictObject({ nodeId: NodeId, index: z.int().min(0), version: z.int().min(1) }))
    .describe('new replicas and the node each would go to, lowest slot first'),
  stops: z
    .array(z.strictObject({ allocId: AllocationId, nodeId: NodeId, version: z.int().min(1), index: z.int().min(0), reason: StopReason }))
    .describe('allocations that would be stopped, and why'),
  kept: z.int().min(0).describe('allocations that keep running as they are'),
  unplaced: UnplacedReplicas.optional().describe('replicas no node would take now, with counts per failed check'),
  elsewhere: z
    .strictObject({ placements: z.int().min(0), stops: z.int().min(0) })
    .describe("the same plan's pending work for other deployments, as counts"),
});
/** A dry run of applying a spec. */
export type DeploymentPlanPreview = z.output<typeof DeploymentPlanPreview>;

/**
 * Previews applying `spec` (`plato plan`): what would change and where, computed against the
 * current cluster state, without writing anything. Answered by the state-server.
 */
export const PlanDeployment = defineQuery(Subjects.query.deploymentPlan, 1, z.strictObject({ spec: DeploymentSpec }), DeploymentPlanPreview);
