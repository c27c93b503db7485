import { z } from 'zod';
import { defineEvent } from '../message.js';
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
