/** One change of whether an allocation serves, at a log position. */
export interface ServingChange {
  readonly position: number;
  readonly allocId: string;
  readonly serving: boolean;
}

/**
 * Events after which an allocation no longer serves, until its next `AllocationHealthy`: an
 * unhealthy verdict, an exit, a stop request or stop, a failure, a loss, or an unknown runtime.
 */
export const endsServing: ReadonlySet<string> = new Set([
  'AllocationUnhealthy',
  'AllocationExited',
  'AllocationStopRequested',
  'AllocationStopped',
  'AllocationFailed',
  'AllocationLost',
  'AllocationUnknown',
]);

/** The serving change an allocation event makes (`AllocationHealthy` begins, {@link endsServing} end), if any. */
export function servingChangeOf(event: { position: number; type: string }, allocId: string): ServingChange | undefined {
  if (event.type === 'AllocationHealthy') return { position: event.position, allocId, serving: true };
  if (endsServing.has(event.type)) return { position: event.position, allocId, serving: false };
  return undefined;
}

/**
 * Replays serving changes of a deployment's allocations (any order; at equal positions an end
 * counts before a start) and answers how many served at log position `from`, the fewest at any
 * position in `(from, to]` (`atStart` included) and how many serve at `to`. What a test or a bench
 * asserts of "never fewer than N serving" during a rollout or a drain, read from the log alone.
 */
export function servingBetween(changes: readonly ServingChange[], from: number, to = Infinity): { atStart: number; least: number; atEnd: number } {
  const ordered = [...changes].sort((a, b) => a.position - b.position || Number(a.serving) - Number(b.serving));
  const serving = new Set<string>();
  let atStart: number | undefined;
  let least = Infinity;
  for (const change of ordered) {
    if (change.position > to) break;
    if (change.position > from && atStart === undefined) least = atStart = serving.size;
    if (change.serving) serving.add(change.allocId);
    else serving.delete(change.allocId);
    if (atStart !== undefined) least = Math.min(least, serving.size);
  }
  atStart ??= serving.size;
  return { atStart, least: Math.min(least, atStart), atEnd: serving.size };
}
