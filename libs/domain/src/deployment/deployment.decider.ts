import type { DeploymentSpec } from '@plato/contracts';
import { structuralEqual } from '../structural-equal.js';
import type { DeploymentCommand } from './deployment.commands.js';
import { DeploymentNotFound } from './deployment.errors.js';
import type { DeploymentEvent } from './deployment.events.js';
import { absentDeployment, type DeploymentState } from './deployment.state.js';

/**
 * Decides what a command changes about one deployment, given its current state. Pure: the same
 * state and command always give the same events. Returns the events to append (none when the
 * deployment already is as the command asks) or throws a tagged error:
 *
 * - ApplyDeployment: a new deployment, a changed spec, or an apply after a delete →
 *   `DeploymentSpecApplied` with `version` one past the last; a spec that differs from the
 *   effective one (`replicas` as last scaled) in `replicas` only → `DeploymentScaled`, the same
 *   version, so its running replicas are kept (re-applying a file after a scale restores the
 *   file's count without replacing anything); an identical spec → no event.
 * - ScaleDeployment: a live deployment with another count → `DeploymentScaled`; the same count →
 *   no event; absent or deleted → {@link DeploymentNotFound}.
 * - DeleteDeployment: a live deployment → `DeploymentDeleted`; absent or deleted →
 *   {@link DeploymentNotFound}.
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
  }
}

function decideApply(state: DeploymentState, spec: DeploymentSpec): DeploymentEvent[] {
  if (state.status === 'live') {
    if (structuralEqual(state.spec, spec)) return [];
    if (structuralEqual({ ...state.spec, replicas: spec.replicas }, spec)) {
      return [{ type: 'DeploymentScaled', data: { from: state.spec.replicas, to: spec.replicas } }];
    }
  }
  return [{ type: 'DeploymentSpecApplied', data: { version: state.version + 1, spec } }];
}

/**
 * Applies one event to a deployment's state. Pure and total over the aggregate's events: it
 * trusts the log (events were validated and decided before they were written) and never throws.
 */
export function evolve(state: DeploymentState, event: DeploymentEvent): DeploymentState {
  switch (event.type) {
    case 'DeploymentSpecApplied':
      return { status: 'live', version: event.data.version, spec: event.data.spec };
    case 'DeploymentScaled':
      if (state.status === 'absent') return state;
      return { ...state, spec: { ...state.spec, replicas: event.data.to } };
    case 'DeploymentDeleted':
      if (state.status === 'absent') return state;
      return { status: 'deleted', version: state.version, spec: state.spec };
  }
}

/** Folds a stream's events, from the first, into the deployment's state. */
export function replay(events: Iterable<DeploymentEvent>, from: DeploymentState = absentDeployment): DeploymentState {
  let state = from;
  for (const event of events) state = evolve(state, event);
  return state;
}
