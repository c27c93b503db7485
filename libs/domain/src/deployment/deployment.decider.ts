import type { DeploymentSpec } from '@plato/contracts';
import { structuralEqual } from '../structural-equal.js';
import type { DeploymentCommand, RolloutCommand } from './deployment.commands.js';
import { DeploymentNotFound, RolloutConflict } from './deployment.errors.js';
import type { DeploymentEvent } from './deployment.events.js';
import { absentDeployment, versionsKept, type DeploymentRecord, type DeploymentState, type RolloutState, type VersionRecord } from './deployment.state.js';
import { sameWorkload } from './workload.rules.js';

type Live = Extract<DeploymentState, { status: 'live' }>;

/**
 * Decides what a command changes about one deployment, given its current state. Pure: the same
 * state and command always give the same events. Returns the events to append (none when the
 * deployment already is as the command asks) or throws a tagged error:
 *
 * - ApplyDeployment: a new deployment, a changed spec, or an apply after a delete →
 *   `DeploymentSpecApplied` with `version` one past the last, and `RolloutStarted` when the spec
 *   has an `update` block; a spec that differs from the effective one (`replicas` as last scaled)
 *   in `replicas` only → `DeploymentScaled`, the same version, so its running replicas are kept;
 *   an identical spec → no event.
 * - ScaleDeployment: a live deployment with another count → `DeploymentScaled`; the same count →
 *   no event; absent or deleted → {@link DeploymentNotFound}.
 * - DeleteDeployment: a live deployment → `DeploymentDeleted`; absent or deleted →
 *   {@link DeploymentNotFound}.
 * - PauseRollout / ResumeRollout / PromoteRollout: the current version's rollout in progress →
 *   `RolloutPaused` / `RolloutResumed` / `RolloutPromoted` (none when it already is so); no rollout
 *   in progress, or nothing to promote → {@link RolloutConflict}.
 * - UndoRollout: `DeploymentSpecApplied` of a new version with the spec of `toVersion` (default:
 *   the newest stable version before the current one) and the current replica count, `revertOf`
 *   naming it, plus `RolloutStarted` when that spec has an `update` block; a version not kept, the
 *   current one, or none stable → {@link RolloutConflict}.
 * - CompleteRollout (the scheduler's plan): the running rollout of that version → `RolloutCompleted`.
 * - FailRollout (the scheduler's plan): the running rollout of that version → `RolloutFailed`; with
 *   `auto_revert` and a stable version before it (and unless the rollout is itself a revert), the
 *   same append brings that version's spec back as a new version, as an undo would.
 *
 * The caller (the state-server's command handler) checks revisions and command ids; the decider
 * checks only the business rules.
 */
export function decide(state: DeploymentState, command: DeploymentCommand): DeploymentEvent[] {
  switch (command.type) {
    case 'ApplyDeployment':
      return decideApply(state, command.spec);
    case 'ScaleDeployment':
      if (state.status !== 'live') throw new DeploymentNotFound(command.namespace, command.name);
      if (state.spec.replicas === command.replicas) return [];
      return [{ type: 'DeploymentScaled', data: { from: state.spec.replicas, to: command.replicas } }];
    case 'DeleteDeployment':
      if (state.status !== 'live') throw new DeploymentNotFound(command.namespace, command.name);
      return [{ type: 'DeploymentDeleted', data: { version: state.version } }];
    case 'PauseRollout':
    case 'ResumeRollout':
    case 'PromoteRollout':
    case 'UndoRollout':
      if (state.status !== 'live') throw new DeploymentNotFound(command.namespace, command.name);
      return decideRollout(state, command);
    case 'CompleteRollout': {
      const rollout = activeRollout(state, command.version);
      return rollout?.status === 'running' ? [{ type: 'RolloutCompleted', data: { version: command.version } }] : [];
    }
    case 'FailRollout': {
      const rollout = activeRollout(state, command.version);
      if (state.status !== 'live' || rollout?.status !== 'running') return [];
      const target = state.spec.update?.auto_revert && rollout.revertOf === undefined ? lastStableBefore(state, command.version) : undefined;
      if (!target) return [{ type: 'RolloutFailed', data: { version: command.version, reason: command.reason } }];
      return [
        { type: 'RolloutFailed', data: { version: command.version, reason: command.reason, revertTo: target.version } },
        ...bringBack(state, target),
      ];
    }
  }
}

function decideApply(state: DeploymentState, spec: DeploymentSpec): DeploymentEvent[] {
  if (state.status === 'live') {
    if (structuralEqual(state.spec, spec)) return [];
    if (structuralEqual({ ...state.spec, replicas: spec.replicas }, spec)) {
      return [{ type: 'DeploymentScaled', data: { from: state.spec.replicas, to: spec.replicas } }];
    }
  }
  const version = state.version + 1;
  const applied: DeploymentEvent = { type: 'DeploymentSpecApplied', data: { version, spec } };
  if (!spec.update) return [applied];
  return [applied, { type: 'RolloutStarted', data: { version, ...(state.status === 'live' ? { from: state.version } : {}) } }];
}

function decideRollout(state: Live, command: RolloutCommand): DeploymentEvent[] {
  const { namespace, name } = command;
  if (command.type === 'UndoRollout') {
    const target = command.toVersion === undefined ? lastStableBefore(state, state.version) : state.history.find((record) => record.version === command.toVersion);
    if (!target) {
      throw new RolloutConflict(
        namespace,
        name,
        command.toVersion === undefined
          ? `no stable version before version ${state.version} to go back to (kept: ${describeHistory(state.history)})`
          : `version ${command.toVersion} is not kept (kept: ${describeHistory(state.history)})`,
      );
    }
    if (target.version === state.version) throw new RolloutConflict(namespace, name, `version ${target.version} is the current version`);
    return bringBack(state, target);
  }
  const rollout = activeRollout(state, state.version);
  if (!rollout || (rollout.status !== 'running' && rollout.status !== 'paused')) {
    throw new RolloutConflict(namespace, name, `no rollout in progress (${rolloutSummary(state)})`);
  }
  switch (command.type) {
    case 'PauseRollout':
      return rollout.status === 'paused' ? [] : [{ type: 'RolloutPaused', data: { version: rollout.version } }];
    case 'ResumeRollout':
      return rollout.status === 'running' ? [] : [{ type: 'RolloutResumed', data: { version: rollout.version } }];
    case 'PromoteRollout':
      if ((state.spec.update?.canary ?? 0) === 0) throw new RolloutConflict(namespace, name, `the rollout of version ${rollout.version} has no canaries to promote`);
      return rollout.promoted ? [] : [{ type: 'RolloutPromoted', data: { version: rollout.version } }];
  }
}

/** The new version that brings `target`'s spec back, with the current replica count. */
function bringBack(state: Live, target: VersionRecord): DeploymentEvent[] {
  const version = state.version + 1;
  const spec = { ...target.spec, replicas: state.spec.replicas };
  const applied: DeploymentEvent = { type: 'DeploymentSpecApplied', data: { version, spec, revertOf: target.version } };
  return spec.update ? [applied, { type: 'RolloutStarted', data: { version, from: state.version } }] : [applied];
}

function activeRollout(state: DeploymentState, version: number): RolloutState | undefined {
  if (state.status !== 'live' || state.version !== version) return undefined;
  return state.rollout?.version === version ? state.rollout : undefined;
}

/** The newest stable version before `version` whose spec is kept. */
function lastStableBefore(state: DeploymentRecord, version: number): VersionRecord | undefined {
  return [...state.history].reverse().find((record) => record.version < version && record.stable);
}

function describeHistory(history: readonly VersionRecord[]): string {
  return history.map((record) => `${record.version}${record.stable ? ' (stable)' : ''}`).join(', ');
}

function rolloutSummary(state: Live): string {
  const rollout = state.rollout;
  if (!rollout) return `version ${state.version} has no rollout`;
  if (rollout.version !== state.version) return `version ${state.version} has no rollout`;
  return `the rollout of version ${rollout.version} ${rollout.status}`;
}

/**
 * Applies one event to a deployment's state. Pure and total over the aggregate's events: it
 * trusts the log (events were validated and decided before they were written) and never throws.
 */
export function evolve(state: DeploymentState, event: DeploymentEvent): DeploymentState {
  if (event.type === 'DeploymentSpecApplied') {
    const { version, spec, revertOf } = event.data;
    const earlier = state.status === 'absent' ? [] : state.history;
    const record: VersionRecord = { version, spec, stable: spec.update === undefined, ...(revertOf !== undefined ? { revertOf } : {}) };
    const history = [...earlier, record].slice(-versionsKept);
    const compatible = earlier.filter((other) => other.version !== version && sameWorkload(other.spec, spec)).map((other) => other.version);
    const rollout = spec.update && state.status !== 'absent' ? state.rollout : undefined;
    return { status: 'live', version, spec, history, compatible, ...(rollout ? { rollout } : {}) };
  }
  if (state.status === 'absent') return state;
  switch (event.type) {
    case 'DeploymentScaled':
      return { ...state, spec: { ...state.spec, replicas: event.data.to } };
    case 'DeploymentDeleted':
      return { ...state, status: 'deleted' };
    case 'RolloutStarted': {
      const revertOf = state.history.find((record) => record.version === event.data.version)?.revertOf;
      const before = state.rollout;
      const failed = before?.status === 'failed' && before.version === event.data.from && before.reason !== undefined ? { version: before.version, reason: before.reason } : undefined;
      const rollout: RolloutState = {
        version: event.data.version,
        ...(event.data.from !== undefined ? { from: event.data.from } : {}),
        ...(revertOf !== undefined ? { revertOf } : {}),
        ...(failed ? { afterFailureOf: failed } : {}),
        status: 'running',
        promoted: false,
      };
      return { ...state, rollout };
    }
    case 'RolloutPaused':
      return withRollout(state, event.data.version, (rollout) => ({ ...rollout, status: 'paused' }));
    case 'RolloutResumed':
      return withRollout(state, event.data.version, (rollout) => ({ ...rollout, status: 'running' }));
    case 'RolloutPromoted':
      return withRollout(state, event.data.version, (rollout) => ({ ...rollout, promoted: true }));
    case 'RolloutCompleted': {
      const next = withRollout(state, event.data.version, (rollout) => ({ ...rollout, status: 'completed' }));
      if (next.status === 'absent') return next;
      return { ...next, history: next.history.map((record) => (record.version === event.data.version ? { ...record, stable: true } : record)) };
    }
    case 'RolloutFailed': {
      const { reason, revertTo } = event.data;
      return withRollout(state, event.data.version, (rollout) => ({ ...rollout, status: 'failed', reason, ...(revertTo !== undefined ? { revertTo } : {}) }));
    }
  }
}

function withRollout(state: DeploymentState, version: number, change: (rollout: RolloutState) => RolloutState): DeploymentState {
  if (state.status === 'absent' || state.rollout?.version !== version) return state;
  return { ...state, rollout: change(state.rollout) };
}

/** Folds a stream's events, from the first, into the deployment's state. */
export function replay(events: Iterable<DeploymentEvent>, from: DeploymentState = absentDeployment): DeploymentState {
  let state = from;
  for (const event of events) state = evolve(state, event);
  return state;
}
