import { z } from 'zod';
import { CommandAccepted, CommandId } from '../command.schema.js';
import { defineCommand } from '../message.js';
import { Subjects } from '../subjects.js';
import { ObjectName } from './deployment-spec.schema.js';

const target = {
  commandId: CommandId,
  namespace: ObjectName.default('default'),
  name: ObjectName,
};

/** Pauses the deployment's rollout in progress: no further replica is replaced until it resumes. */
export const PauseRollout = defineCommand(Subjects.command.rolloutPause, 1, z.strictObject(target), CommandAccepted);

/** Resumes the deployment's paused rollout. */
export const ResumeRollout = defineCommand(Subjects.command.rolloutResume, 1, z.strictObject(target), CommandAccepted);

/** Promotes the canaries of the deployment's rollout, once every canary serves: the remaining replicas roll. */
export const PromoteRollout = defineCommand(Subjects.command.rolloutPromote, 1, z.strictObject(target), CommandAccepted);

/**
 * Brings back an earlier version's spec as a new version (keeping the current replica count):
 * `toVersion`, or by default the newest stable version before the current one. Conditional on
 * `ifRevision` when given (409 if the deployment changed).
 */
export const UndoRollout = defineCommand(
  Subjects.command.rolloutUndo,
  1,
  z.strictObject({ ...target, toVersion: z.int().min(1).optional(), ifRevision: z.int().min(0).optional() }),
  CommandAccepted,
);

/**
 * Where a rollout stands: `running` (replacing replicas), `paused`, `awaiting-promotion` (its
 * canaries run beside the old replicas), `completed` or `failed`.
 */
export const RolloutStatus = z.enum(['running', 'paused', 'awaiting-promotion', 'completed', 'failed']);
/** Where a rollout stands. */
export type RolloutStatus = z.output<typeof RolloutStatus>;

/** A deployment's latest rollout as `plato rollout status` shows it, counted at the time of the query. */
export const RolloutView = z.strictObject({
  version: z.int().min(1),
  from: z.int().min(1).optional().describe('the version that ran before'),
  revertOf: z.int().min(1).optional().describe('the rollout brings back this earlier version'),
  afterFailureOf: z
    .strictObject({ version: z.int().min(1), reason: z.string() })
    .optional()
    .describe('the rollout before this one failed (an auto-revert, or an undo after a failure)'),
  status: RolloutStatus,
  startedAt: z.string(),
  since: z.string().describe('when it reached its status'),
  reason: z.string().optional().describe('why it failed'),
  revertTo: z.int().min(1).optional().describe('the version a failed rollout reverted to'),
  desired: z.int().min(0).describe('replicas wanted'),
  canary: z.int().min(0),
  promoted: z.boolean(),
  placed: z.int().min(0).describe('live replicas of the new version (or one equal to it)'),
  healthy: z.int().min(0).describe('of those, serving for min_healthy_time'),
  old: z.int().min(0).describe('live replicas of older versions'),
  waiting: z.string().describe('what the rollout waits for now, for people'),
  deadline: z.string().optional().describe('when the next deadline passes, if one runs'),
});
/** A deployment's latest rollout. */
export type RolloutView = z.output<typeof RolloutView>;
