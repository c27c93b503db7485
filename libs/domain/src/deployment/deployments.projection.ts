import type { DeploymentView } from '@plato/contracts';
import { evolve } from './deployment.decider.js';
import { isDeploymentEvent, isDeploymentSpecEvent } from './deployment.events.js';
import { absentDeployment, type DeploymentState } from './deployment.state.js';

/** The part of a recorded event a projection reads (the event store's `RecordedEvent` fits it). */
export interface ProjectedEvent {
  readonly stream: string;
  readonly type: string;
  readonly data: unknown;
  readonly position: number;
  /** When the event was written; projections that show times read it. */
  readonly created?: Date;
}

interface Entry {
  readonly namespace: string;
  readonly name: string;
  state: DeploymentState;
  revision: number;
}

/**
 * The read model of deployments: a fold of the log's deployment events, keyed by namespace and
 * name, through the aggregate's own {@link evolve} (so the projection and the aggregate cannot
 * disagree). Feed it events in position order with {@link apply}; events of other aggregates are
 * ignored, so it can follow the whole log. Deterministic: the same events give the same views.
 */
export class DeploymentsProjection {
  private readonly entries = new Map<string, Entry>();
  private lastPosition = 0;

  /** The position of the last event applied, 0 before the first. */
  get position(): number {
    return this.lastPosition;
  }

  /** Folds one event in. Events before {@link position} are skipped; events of one append share a position, and applying an event twice leaves the same view. */
  apply(event: ProjectedEvent): void {
    if (event.position < this.lastPosition) return;
    this.lastPosition = event.position;
    const id = deploymentIdOf(event.stream);
    if (!id || !isDeploymentEvent(event)) return;
    const key = `${id.namespace}/${id.name}`;
    const entry = this.entries.get(key) ?? { ...id, state: absentDeployment, revision: 0 };
    entry.state = evolve(entry.state, event);
    if (isDeploymentSpecEvent(event)) entry.revision = event.position;
    this.entries.set(key, entry);
  }

  /** One deployment, deleted ones included; undefined when it never existed. */
  get(namespace: string, name: string): DeploymentView | undefined {
    const entry = this.entries.get(`${namespace}/${name}`);
    return entry ? toView(entry) : undefined;
  }

  /**
   * One deployment's aggregate state and revision (the position of its last spec event, see
   * `isDeploymentSpecEvent`),
   * `absent` at revision 0 when it never existed: what an apply of it would be decided on.
   */
  stateOf(namespace: string, name: string): { readonly state: DeploymentState; readonly revision: number } {
    const entry = this.entries.get(`${namespace}/${name}`);
    return entry ? { state: entry.state, revision: entry.revision } : { state: absentDeployment, revision: 0 };
  }

  /** Every deployment the log knows, deleted ones included, ordered by namespace then name. */
  all(): DeploymentView[] {
    return [...this.entries.values()]
      .map(toView)
      .filter((view): view is DeploymentView => view !== undefined)
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  }

  /** The live deployments of `namespace` (of all when omitted), ordered by namespace then name. */
  list(namespace?: string): DeploymentView[] {
    return [...this.entries.values()]
      .filter((entry) => entry.state.status === 'live' && (namespace === undefined || entry.namespace === namespace))
      .map(toView)
      .filter((view): view is DeploymentView => view !== undefined)
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  }
}

/** Splits a deployment stream name (`deployment.<namespace>.<name>`); undefined for other streams. */
export function deploymentIdOf(stream: string): { namespace: string; name: string } | undefined {
  const [aggregate, namespace, name, ...rest] = stream.split('.');
  if (aggregate !== 'deployment' || !namespace || !name || rest.length > 0) return undefined;
  return { namespace, name };
}

function toView(entry: Entry): DeploymentView | undefined {
  const { state } = entry;
  if (state.status === 'absent') return undefined;
  return {
    namespace: entry.namespace,
    name: entry.name,
    version: state.version,
    replicas: state.spec.replicas,
    deleted: state.status === 'deleted',
    revision: entry.revision,
    spec: state.spec,
  };
}
