import { allChecks, feasible, firstFailure, type Ask, type Candidate, type FeasibilityCheck } from './feasibility/feasibility.checkers.js';
import type { FailedCheck } from './plan.types.js';

/**
 * Counts, over `candidates`, the nodes failing each check, every node under its first failed
 * check only; nodes passing every check are not counted. Most nodes first, then by check text.
 */
export function countFailures(candidates: Iterable<Candidate>, ask: Ask, checks: readonly FeasibilityCheck[] = allChecks): FailedCheck[] {
  const counts = new Map<string, number>();
  for (const candidate of candidates) {
    const failure = firstFailure(candidate, ask, checks);
    if (failure !== feasible) counts.set(failure, (counts.get(failure) ?? 0) + 1);
  }
  return [...counts]
    .map(([check, nodes]) => ({ check, nodes }))
    .sort((a, b) => b.nodes - a.nodes || (a.check < b.check ? -1 : a.check > b.check ? 1 : 0));
}

/** Renders failure counts for people: `3 nodes: insufficient memory; 1 node: cordoned`. */
export function summarize(reasons: readonly FailedCheck[]): string {
  if (reasons.length === 0) return 'no nodes';
  return reasons.map(({ check, nodes }) => `${nodes} ${nodes === 1 ? 'node' : 'nodes'}: ${check}`).join('; ');
}
