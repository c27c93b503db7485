/** A registered node as the liveness rules see it. */
export interface NodeLiveness {
  readonly nodeId: string;
  readonly state: 'ready' | 'down' | 'lost';
}

/** What {@link overdueNodes} decides from; every time is ms since the epoch. */
export interface LivenessInput {
  readonly nodes: readonly NodeLiveness[];
  /** The last heartbeat (or registration) heard from each node since the monitor started. */
  readonly lastSeen: ReadonlyMap<string, number>;
  /** When the monitor started listening (its start, or its connection's return): a node not heard from since counts as seen then (its grace period). */
  readonly startedAt: number;
  readonly now: number;
  readonly timeoutMs: number;
}

/** A node to mark lost, and when it was last seen (or the monitor's start, if never since). */
export interface OverdueNode {
  readonly nodeId: string;
  readonly lastSeen: number;
}

/**
 * The ready nodes whose last sign of life is older than the timeout. Pure. After a restart of the
 * state-server no node is overdue before a full timeout has passed, since last-seen times are
 * kept in memory only.
 */
export function overdueNodes(input: LivenessInput): OverdueNode[] {
  const overdue: OverdueNode[] = [];
  for (const node of input.nodes) {
    if (node.state !== 'ready') continue;
    const lastSeen = lastSeenOf(input, node.nodeId);
    if (input.now - lastSeen > input.timeoutMs) overdue.push({ nodeId: node.nodeId, lastSeen });
  }
  return overdue;
}

/** When a node was last seen, counting the monitor's start for a node not heard from since. */
export function lastSeenOf(input: Pick<LivenessInput, 'lastSeen' | 'startedAt'>, nodeId: string): number {
  return Math.max(input.lastSeen.get(nodeId) ?? input.startedAt, input.startedAt);
}
