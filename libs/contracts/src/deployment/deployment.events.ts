import { z } from 'zod';
import { defineEvent } from '../message.js';
import { FailedCheck } from '../plan/plan.commands.js';
import { DeploymentSpec } from './deployment-spec.schema.js';

/**
 * A new version of a deployment's spec was accepted. `version` counts accepted specs from 1;
 * re-applying an identical spec writes nothing.
 */
export const DeploymentSpecApplied = defineEvent(
  'DeploymentSpecApplied',
  1,
  z.strictObject({
    version: z.int().min(1),
    spec: DeploymentSpec,
    revertOf: z.int().min(1).optional().describe('the earlier version whose spec this one brings back (auto-revert or undo)'),
  }),
);

/** The replica count changed without a new spec version. */
export const DeploymentScaled = defineEvent(
  'DeploymentScaled',
  1,
  z.strictObject({ from: z.int().min(0), to: z.int().min(0) }),
);

/** The deployment was deleted; its allocations are to be stopped. A later apply recreates it. */
export const DeploymentDeleted = defineEvent('DeploymentDeleted', 1, z.strictObject({ version: z.int().min(1) }));

/**
 * The scheduler could not place `missing` replicas of the current version; `reasons` count the
 * nodes per failed check. Written when the blockage starts or its reasons change.
 */
export const DeploymentPlacementBlocked = defineEvent(
  'DeploymentPlacementBlocked',
  1,
  z.strictObject({ version: z.int().min(1), missing: z.int().min(1), reasons: z.array(FailedCheck), summary: z.string() }),
);

/** Every replica of the current version found a node again. */
export const DeploymentPlacementUnblocked = defineEvent('DeploymentPlacementUnblocked', 1, z.strictObject({ version: z.int().min(1) }));

/**
 * Replicas of the current version keep failing: a slot failed `threshold` times or more within the
 * reschedule interval, or used up its reschedule attempts (`givenUp`). `reason` says which slots
 * and the last failure. Written when the deployment becomes degraded or its reason changes.
 */
export const DeploymentDegraded = defineEvent(
  'DeploymentDegraded',
  1,
  z.strictObject({
    version: z.int().min(1),
    reason: z.string().min(1),
    failing: z.array(z.int().min(0)).describe('the crash-looping slots'),
    givenUp: z.array(z.int().min(0)).describe('slots that are not replaced again'),
  }),
);

/** The current version no longer keeps failing (its failures aged out of the interval, or a new version). */
export const DeploymentRestored = defineEvent('DeploymentRestored', 1, z.strictObject({ version: z.int().min(1) }));

/**
 * A rollout of `version` began (the spec has an `update` block): the scheduler replaces replicas
 * of older versions `max_parallel` at a time, gated on health, and decides its end. `from` is the
 * version that ran before (absent for a deployment's first version). Written with the
 * `DeploymentSpecApplied` of that version, in the same append.
 */
export const RolloutStarted = defineEvent(
  'RolloutStarted',
  1,
  z.strictObject({ version: z.int().min(1), from: z.int().min(1).optional() }),
);

/** A user paused the rollout of `version`: no further replica is replaced, and its deadlines wait. */
export const RolloutPaused = defineEvent('RolloutPaused', 1, z.strictObject({ version: z.int().min(1) }));

/** A user resumed the paused rollout of `version`; its progress deadline counts from now. */
export const RolloutResumed = defineEvent('RolloutResumed', 1, z.strictObject({ version: z.int().min(1) }));

/** A user promoted the canaries of `version`'s rollout: the remaining replicas roll. */
export const RolloutPromoted = defineEvent('RolloutPromoted', 1, z.strictObject({ version: z.int().min(1) }));

/**
 * Every replica of `version` serves (for `min_healthy_time`) and none of an older version is left:
 * the version is stable, a target for auto-revert and undo. Written by the scheduler's plan.
 */
export const RolloutCompleted = defineEvent('RolloutCompleted', 1, z.strictObject({ version: z.int().min(1) }));

/**
 * The rollout of `version` failed: `reason` names the replica that missed its healthy deadline,
 * failed, or the progress deadline that passed. With `auto_revert`, `revertTo` is the stable
 * version whose spec comes back as a new version (a `DeploymentSpecApplied` with `revertOf`, in the
 * same append). Written by the scheduler's plan.
 */
export const RolloutFailed = defineEvent(
  'RolloutFailed',
  1,
  z.strictObject({ version: z.int().min(1), reason: z.string().min(1), revertTo: z.int().min(1).optional() }),
);
