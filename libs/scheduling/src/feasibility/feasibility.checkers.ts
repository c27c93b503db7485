import type { NodeInfo, Resources, Runtime } from '../cluster-snapshot.types.js';
import { constraintMet, type Constraint } from './constraint.parser.js';

/** What one replica of a deployment asks of a node; derived once per deployment. */
export interface Ask {
  readonly runtime: Runtime;
  readonly resources: Resources;
  /** Parsed once per deployment, checked in order. */
  readonly constraints: readonly Constraint[];
}

/** A node during planning: the node, and what is still free on it after the plan so far. */
export interface Candidate {
  readonly node: NodeInfo;
  readonly freeCpu: number;
  readonly freeMemory: number;
}

/** The result of a check that passed. */
export const feasible = null;

/** `feasible`, or the reason text of the failed check (also its key when counting failures). */
export type CheckResult = typeof feasible | string;

/** One feasibility check: a small pure function of a candidate and an ask. */
export type FeasibilityCheck = (candidate: Candidate, ask: Ask) => CheckResult;

/** The node heartbeats on time: `node down` or `node lost` otherwise. */
export const nodeReady: FeasibilityCheck = ({ node }) => (node.state === 'ready' ? feasible : `node ${node.state}`);

/** The node is not cordoned. */
export const notCordoned: FeasibilityCheck = ({ node }) => (node.cordoned ? 'cordoned' : feasible);

/** The node offers the runtime the deployment asks for, and that runtime answers its agent now. */
export const runtimeOffered: FeasibilityCheck = ({ node }, ask) => {
  if (!node.runtimes.includes(ask.runtime)) return `runtime ${ask.runtime} not offered`;
  return node.unavailableRuntimes?.includes(ask.runtime) ? `runtime ${ask.runtime} unavailable` : feasible;
};

/** The node's labels meet every constraint; the reason names the first one they do not. */
export const constraintsMet: FeasibilityCheck = ({ node }, ask) => {
  for (const constraint of ask.constraints) {
    if (!constraintMet(constraint, node.labels)) return `constraint ${constraint.text} not met`;
  }
  return feasible;
};

/** The node has the CPU a replica asks for still free. */
export const enoughCpu: FeasibilityCheck = (candidate, ask) =>
  candidate.freeCpu >= ask.resources.cpu ? feasible : 'insufficient cpu';

/** The node has the memory a replica asks for still free. */
export const enoughMemory: FeasibilityCheck = (candidate, ask) =>
  candidate.freeMemory >= ask.resources.memory ? feasible : 'insufficient memory';

/**
 * Checks that depend only on the node and the deployment, not on what the plan placed: their
 * verdict holds for the whole plan, so the planner runs them once per node and deployment shape.
 */
export const nodeChecks: readonly FeasibilityCheck[] = [nodeReady, notCordoned, runtimeOffered, constraintsMet];

/** Checks of free resources, which change with every placement. */
export const capacityChecks: readonly FeasibilityCheck[] = [enoughCpu, enoughMemory];

/** Every check, in the order failures are attributed: a node counts under its first failure. */
export const allChecks: readonly FeasibilityCheck[] = [...nodeChecks, ...capacityChecks];

/** The first check of `checks` the candidate fails, or `feasible`. */
export function firstFailure(candidate: Candidate, ask: Ask, checks: readonly FeasibilityCheck[] = allChecks): CheckResult {
  for (const check of checks) {
    const result = check(candidate, ask);
    if (result !== feasible) return result;
  }
  return feasible;
}
