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
  return freeShareOf(candidate.freeCpu, candidate.freeMemory, capacity.cpu, capacity.memory, ask.resources.cpu, ask.resources.memory);
}

/**
 * {@link freeShareAfter} on plain numbers: the share of a node left free after taking `cpu` and
 * `memory` from `freeCpu` and `freeMemory` out of its capacity. The planner's scans call it on
 * each node's running totals; the rankers call it too, so both compute the very same score.
 */
export function freeShareOf(freeCpu: number, freeMemory: number, capacityCpu: number, capacityMemory: number, cpu: number, memory: number): number {
  return (fraction(freeCpu - cpu, capacityCpu) + fraction(freeMemory - memory, capacityMemory)) / 2;
}

/**
 * The score of a strategy from the free share after the placement and the node's count of the
 * deployment's allocations: what {@link binpack} and {@link spread} return, lowest wins.
 */
export function strategyScore(strategy: Strategy, freeShare: number, collocated: number): number {
  return strategy === 'spread' ? 2 * collocated + (1 - freeShare) : freeShare;
}

/** Bin-packing: the node left with the least free share after the placement wins. */
export const binpack: Ranker = (candidate, ask) => strategyScore('binpack', freeShareAfter(candidate, ask), candidate.collocated);

/**
 * Spread: the node holding the fewest allocations of the deployment wins; among those, the one
 * left with the most free share. Encoded in one number: `2 × collocated + (1 − free share)`,
 * whose second term lies in [0, 1], so the count always decides first.
 */
export const spread: Ranker = (candidate, ask) => strategyScore('spread', freeShareAfter(candidate, ask), candidate.collocated);

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
