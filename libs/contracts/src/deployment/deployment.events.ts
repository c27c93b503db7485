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
  z.strictObject({ version: z.int().min(1), spec: DeploymentSpec }),
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
