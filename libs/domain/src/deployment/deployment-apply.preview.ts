import type { DeploymentSpec } from '@plato/contracts';
import { structuralEqual } from '../structural-equal.js';
import { decide, replay } from './deployment.decider.js';
import type { DeploymentEvent } from './deployment.events.js';
import type { DeploymentState } from './deployment.state.js';

/**
 * What an apply does to a deployment: `create` (it never existed), `recreate` (it was deleted),
 * `new-version` (a changed spec: a new version, whose replicas replace the old ones), `scale` (only
 * `replicas` changed: the same version, running replicas kept), `unchanged` (nothing is written).
 */
export type ApplyChange = 'create' | 'recreate' | 'new-version' | 'scale' | 'unchanged';

/** The outcome of {@link previewApply}: what `decide` would write and the state it would lead to. */
export interface ApplyPreview {
  readonly change: ApplyChange;
  /** The version before the apply, 0 when the deployment never existed. */
  readonly fromVersion: number;
  /** The version after the apply. */
  readonly version: number;
  /**
   * Top-level spec fields whose values differ from the current spec (the last one of a deleted
   * deployment), in the spec's field order; empty for `create` and `unchanged`.
   */
  readonly changedFields: readonly string[];
  /** The events the apply would append, exactly as {@link decide} returns them. */
  readonly events: readonly DeploymentEvent[];
  /** The deployment's state after those events. */
  readonly next: DeploymentState;
}

/**
 * Tells what applying `spec` to a deployment in `state` would do, by running the aggregate's own
 * {@link decide} and `evolve` (so a preview cannot disagree with the apply it previews), and which
 * spec fields it changes. Pure; writes nothing. Called by the state-server's plan query.
 */
export function previewApply(state: DeploymentState, spec: DeploymentSpec): ApplyPreview {
  const events = decide(state, { type: 'ApplyDeployment', commandId: 'preview', spec });
  const next = replay(events, state);
  const changedFields = state.status === 'absent' ? [] : fieldsChanged(state.spec, spec);
  return { change: changeOf(state, events), fromVersion: state.version, version: next.version, changedFields, events, next };
}

function changeOf(state: DeploymentState, events: readonly DeploymentEvent[]): ApplyChange {
  const [event] = events;
  if (!event) return 'unchanged';
  if (event.type === 'DeploymentScaled') return 'scale';
  if (state.status === 'absent') return 'create';
  return state.status === 'deleted' ? 'recreate' : 'new-version';
}

function fieldsChanged(before: DeploymentSpec, after: DeploymentSpec): string[] {
  const fields = [...new Set([...Object.keys(after), ...Object.keys(before)])] as (keyof DeploymentSpec)[];
  return fields.filter((field) => !structuralEqual(before[field], after[field]));
}
