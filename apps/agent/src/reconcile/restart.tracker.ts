import { formatDurationMs, isNormalExit, type RestartSpec } from '@plato/contracts';

/** One exit of an allocation's container, as the restart policy sees it. */
export interface ObservedExit {
  /** Unique to this exit (the `exited` report's command id: container and finish time); the same exit seen again gets the same verdict. */
  readonly key: string;
  /** When the container exited, in ms since the epoch. */
  readonly at: number;
  readonly exitCode: number;
  /** The agent stopped it because its health check failed: restarted as a failure whatever its code. */
  readonly stoppedUnhealthy?: boolean;
}

/**
 * What follows one exit by the restart policy: `stay-down` (the policy does not restart it; the
 * exit code says complete or failed), `restart` (the `attempt`-th restart within the interval, due
 * `delayMs` after the exit, at `dueAt`), or `give-up` (attempts used up under mode `fail`: the
 * allocation has failed for good, for `reason`).
 */
export type ExitVerdict =
  | { readonly kind: 'stay-down' }
  | { readonly kind: 'restart'; readonly attempt: number; readonly delayMs: number; readonly dueAt: number }
  | { readonly kind: 'give-up'; readonly reason: string };

/**
 * Whether the policy restarts a container after it exited with `exitCode`: `always` yes,
 * `on-failure` unless the code is normal (0 or one of `normal_exit_codes`), `never` no. A
 * container the agent stopped because it was unhealthy counts as failed whatever its code.
 */
export function restartsAfter(policy: Pick<RestartSpec, 'policy' | 'normal_exit_codes'>, exitCode: number, stoppedUnhealthy = false): boolean {
  if (policy.policy === 'always') return true;
  if (policy.policy === 'on-failure') return stoppedUnhealthy || !isNormalExit(policy, exitCode);
  return false;
}

/** The wait before a restart that follows `earlier` restarts within the interval: `delay` doubled for each, at most `max_delay`. */
export function restartDelayMs(policy: Pick<RestartSpec, 'delay' | 'max_delay'>, earlier: number): number {
  return Math.min(policy.delay * 2 ** Math.min(earlier, 40), policy.max_delay);
}

/**
 * Applies the restart policy to one exit, given when the allocation's earlier restarts were due
 * (ms since the epoch, ascending). Pure.
 *
 * - `restartsAfter` says no: `stay-down`.
 * - Otherwise the restart is due `restartDelayMs(policy, n)` after the exit, `n` being the
 *   restarts within `interval` before it.
 * - With `attempts` > 0 and `n` ≥ `attempts`: mode `fail` gives up; mode `delay` also waits until
 *   fewer than `attempts` restarts lie within the interval before the restart, so there are never
 *   more than `attempts` restarts in any window of `interval`.
 */
export function decideRestart(policy: RestartSpec, restarts: readonly number[], exit: ObservedExit): ExitVerdict {
  if (!restartsAfter(policy, exit.exitCode, exit.stoppedUnhealthy)) return { kind: 'stay-down' };
  const recent = restarts.filter((at) => at > exit.at - policy.interval);
  let dueAt = exit.at + restartDelayMs(policy, recent.length);
  if (policy.attempts > 0 && recent.length >= policy.attempts) {
    if (policy.mode === 'fail') {
      const what = exit.stoppedUnhealthy ? `stopped as unhealthy (exit code ${exit.exitCode})` : `exit code ${exit.exitCode}`;
      return { kind: 'give-up', reason: `${what}; restart attempts used up (${policy.attempts} within ${formatDurationMs(policy.interval)})` };
    }
    dueAt = Math.max(dueAt, recent[recent.length - policy.attempts]! + policy.interval);
  }
  const attempt = restarts.filter((at) => at > dueAt - policy.interval).length + 1;
  return { kind: 'restart', attempt, delayMs: dueAt - exit.at, dueAt };
}

/** Restart times kept per allocation at most (the largest `attempts`); older ones no longer change a verdict but the attempt number. */
const keptRestarts = 1_000;
/** Verdicts kept per allocation, by exit key: enough for the exits a reconcile may still see again. */
const keptVerdicts = 8;

interface Memory {
  /** When each restart was due, ascending. */
  restarts: number[];
  verdicts: Map<string, ExitVerdict>;
  givenUp?: string;
}

/**
 * The agent's memory of restarts, per allocation: applies the restart policy to each exit
 * ({@link decideRestart}) and remembers the verdict under the exit's key, so a reconcile that
 * sees the same exit again (every resync until the restart is due, or while the control plane
 * is unreachable) gets the same answer and counts nothing twice. It learns the restarts an
 * earlier agent wrote to the log ({@link learn}), so a restarted agent keeps counting. In memory
 * only; the reconciler calls it, serially per allocation.
 */
export class RestartTracker {
  private readonly allocations = new Map<string, Memory>();

  /** The verdict on one exit of `allocId`'s container by `policy`; the same exit key always gets the same one. */
  onExit(allocId: string, policy: RestartSpec, exit: ObservedExit): ExitVerdict {
    const memory = this.memoryOf(allocId);
    const known = memory.verdicts.get(exit.key);
    if (known) return known;
    const verdict = decideRestart(policy, memory.restarts, exit);
    if (verdict.kind === 'restart') {
      memory.restarts = memory.restarts.filter((at) => at > exit.at - policy.interval);
      insertRestart(memory, verdict.dueAt);
    }
    if (verdict.kind === 'give-up') memory.givenUp = verdict.reason;
    remember(memory, exit.key, verdict);
    return verdict;
  }

  /**
   * Learns a restart from the log: an `AllocationExited` with `willRestart`, under its command id
   * (the exit's key), exited at `at`, announced with `attempt` and `delayMs` when the event has
   * them. An exit whose key is known already (this agent's own report) changes nothing.
   */
  learn(allocId: string, key: string, at: number, restart: { readonly attempt?: number; readonly delayMs?: number }): void {
    const memory = this.memoryOf(allocId);
    if (memory.verdicts.has(key)) return;
    const delayMs = restart.delayMs ?? 0;
    insertRestart(memory, at + delayMs);
    remember(memory, key, { kind: 'restart', attempt: restart.attempt ?? memory.restarts.length, delayMs, dueAt: at + delayMs });
  }

  /** Why the allocation failed for good, when its attempts were used up under mode `fail`. */
  givenUp(allocId: string): string | undefined {
    return this.allocations.get(allocId)?.givenUp;
  }

  /** Forgets the allocation (it ended, or should not run here). */
  forget(allocId: string): void {
    this.allocations.delete(allocId);
  }

  private memoryOf(allocId: string): Memory {
    let memory = this.allocations.get(allocId);
    if (!memory) this.allocations.set(allocId, (memory = { restarts: [], verdicts: new Map() }));
    return memory;
  }
}

function insertRestart(memory: Memory, at: number): void {
  const index = memory.restarts.findIndex((t) => t > at);
  if (index < 0) memory.restarts.push(at);
  else memory.restarts.splice(index, 0, at);
  if (memory.restarts.length > keptRestarts) memory.restarts.splice(0, memory.restarts.length - keptRestarts);
}

function remember(memory: Memory, key: string, verdict: ExitVerdict): void {
  memory.verdicts.set(key, verdict);
  if (memory.verdicts.size > keptVerdicts) memory.verdicts.delete(memory.verdicts.keys().next().value!);
}
