import type { DeploymentSpec } from '@plato/contracts';
import { capacityChecks, feasible, firstFailure, type Ask, type Candidate } from '../feasibility/feasibility.checkers.js';

/** A feasible candidate being ranked for one deployment. */
export interface RankCandidate extends Candidate {
  /** How many live allocations of the same deployment the node holds, this plan's included. */
  readonly collocated: number;
}

/**
 * Scores a feasible candidate for one replica; the lower score wins. Equal scores are broken by
 * node id (the lowest wins), so a plan never depends on the order nodes arrive in.
 */
export type Ranker = (candidate: RankCandidate, ask: Ask) => number;

/** A placement strategy of a deployment spec. */
export type Strategy = DeploymentSpec['strategy'];

function fraction(part: number, whole: number): number {
  if (whole <= 0) return 0;
  return Math.min(1, Math.max(0, part / whole));
}

/**
 * The share of the node's capacity left free after placing the replica, CPU and memory averaged,
 * in [0, 1]: 0 when the replica fills the node, 1 on an empty node of infinite size.
 */
export function freeShareAfter(candidate: Candidate, ask: Ask): number {
  const { capacity } = candidate.node;
  const cpu = fraction(candidate.freeCpu - ask.resources.cpu, capacity.cpu);
  const memory = fraction(candidate.freeMemory - ask.resources.memory, capacity.memory);
  return (cpu + memory) / 2;
}

/** Bin-packing: the node left with the least free share after the placement wins. */
export const binpack: Ranker = (candidate, ask) => freeShareAfter(candidate, ask);

/**
 * Spread: the node holding the fewest allocations of the deployment wins; among those, the one
 * left with the most free share. Encoded in one number: `2 × collocated + (1 − free share)`,
 * whose second term lies in [0, 1], so the count always decides first.
 */
export const spread: Ranker = (candidate, ask) => 2 * candidate.collocated + (1 - freeShareAfter(candidate, ask));

/** The ranker of each strategy. */
export const rankers: Readonly<Record<Strategy, Ranker>> = { binpack, spread };

/**
 * The best candidate for one replica: among those passing the capacity checks, the lowest score
 * of `ranker`, the lowest node id on equal scores (candidates must come sorted by node id).
 * `undefined` when none fits. The planner gets the same answer from `RankedCandidates`
 * without scanning every node per replica; this is the plain definition.
 */
export function selectNode<C extends RankCandidate>(candidates: readonly C[], ask: Ask, ranker: Ranker): C | undefined {
  let best: C | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    if (firstFailure(candidate, ask, capacityChecks) !== feasible) continue;
    const score = ranker(candidate, ask);
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}
