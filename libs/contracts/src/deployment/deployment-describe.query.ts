import { z } from 'zod';
import { AllocationView } from '../allocation/allocation.commands.js';
import { defineQuery } from '../message.js';
import { FailedCheck } from '../plan/plan.commands.js';
import { Subjects } from '../subjects.js';
import { ObjectName } from './deployment-spec.schema.js';
import { DeploymentView } from './deployment.commands.js';
import { RolloutView } from './rollout.commands.js';

/** A deployment with its allocations and, when some replicas cannot be placed, why. */
export const DeploymentDescription = z.strictObject({
  deployment: DeploymentView,
  allocations: z.array(AllocationView),
  placement: z.strictObject({
    blocked: z.boolean(),
    missing: z.int().min(0),
    summary: z.string(),
    reasons: z.array(FailedCheck),
  }),
  degraded: z
    .strictObject({ version: z.int(), reason: z.string(), failing: z.array(z.int()), givenUp: z.array(z.int()), since: z.string() })
    .optional()
    .describe('present while replicas of the current version keep failing (DeploymentDegraded)'),
  rollout: RolloutView.optional().describe('the latest rollout, when the deployment has had one'),
  compatible: z
    .array(z.int().min(1))
    .default([])
    .describe('earlier versions whose allocations run what the current version would, and count as current'),
});
/** A deployment with its allocations and placement. */
export type DeploymentDescription = z.output<typeof DeploymentDescription>;

/** Describes one deployment: its spec, its allocations (terminal ones included) and placement. */
export const DescribeDeployment = defineQuery(
  Subjects.query.deploymentDescribe,
  1,
  z.strictObject({ namespace: ObjectName.default('default'), name: ObjectName }),
  DeploymentDescription,
);
