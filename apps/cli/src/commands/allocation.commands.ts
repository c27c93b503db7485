import { ContractViolation, DescribeAllocation, formatDurationMs, type AllocationDescription, type AllocationTransition, type AllocationView } from '@plato/contracts';
import { request } from '@plato/messaging';
import type { CliContext } from '../cli.context.js';
import { renderTable } from '../table.format.js';

/**
 * `plato describe alloc ALLOC | NODE/ALLOC [-o json]`: the allocation (deployment, version, slot,
 * node, image, ports, container) and its timeline, one line per phase with how long it lasted.
 */
export async function describeAllocation(context: CliContext, id: string): Promise<void> {
  const parts = id.split('/');
  if (parts.length > 2 || parts.some((part) => part === '')) {
    throw new ContractViolation('plato describe alloc', [{ path: 'ALLOC', message: `'${id}' must be ALLOC or NODE/ALLOC` }]);
  }
  const [nodeId, allocId] = parts.length === 2 ? parts : [undefined, parts[0]!];
  const reply = await request(await context.connect(), DescribeAllocation, { allocId: allocId!, ...(nodeId !== undefined ? { nodeId } : {}) });
  if (context.options.output === 'json') return context.print(`${JSON.stringify(reply, null, 2)}\n`);
  context.print(renderAllocationDescription(reply, Date.now()));
}

/**
 * The human form of an allocation's description at `now` (ms since the epoch): a header, then the
 * timeline with how long each phase lasted; the current one lasts "so far" unless the allocation
 * ended (complete or failed).
 */
export function renderAllocationDescription({ allocation: a, timeline }: AllocationDescription, now: number): string {
  const ended = a.status === 'complete' || a.status === 'failed';
  const lasted = (entry: AllocationTransition, i: number): string => {
    const next = timeline[i + 1];
    if (next) return formatLasted(Date.parse(next.at) - Date.parse(entry.at));
    return ended ? '-' : `${formatLasted(now - Date.parse(entry.at))} so far`;
  };
  const lines = [
    `Allocation:  ${a.allocId} on node ${a.nodeId}`,
    `Deployment:  ${a.namespace}/${a.deployment} version ${a.version}, slot ${a.index}`,
    `Image:       ${a.image} on ${a.runtime}`,
    `Container:   ${a.containerId ? a.containerId.slice(0, 12) : '-'}`,
    `Ports:       ${portsOf(a)}`,
    `Desired:     ${desiredOf(a)}`,
    `Status:      ${a.status}`,
    `State:       ${stateOf(a)} since ${a.state.since}`,
  ];
  if (a.health) lines.push(`Health:      ${a.health.status} since ${a.health.since}${a.health.reason ? `: ${a.health.reason}` : ''}`);
  const table = renderTable<[AllocationTransition, number]>(
    timeline.map((entry, i) => [entry, i]),
    [
      { header: 'time', cell: ([e]) => e.at },
      { header: 'state', cell: ([e]) => (e.exitCode !== undefined ? `${e.phase}(${e.exitCode})` : e.phase) },
      { header: 'for', cell: ([e, i]) => lasted(e, i) },
      { header: 'position', cell: ([e]) => e.position },
      { header: 'reason', cell: ([e]) => e.reason ?? '' },
    ],
  );
  return [...lines, '', table.trimEnd(), ''].join('\n');
}

/**
 * An allocation's phase as one cell: `exited(<code>)` (with the wait before its restart:
 * `exited(1), restarting after 4s`), and the reason of a phase that is about something going
 * wrong (`failed: …`, `unhealthy: …`, `unknown: …`).
 */
export function stateOf(a: Pick<AllocationView, 'state' | 'restartDelayMs'>): string {
  const { phase, reason, exitCode } = a.state;
  if (phase === 'exited' && exitCode !== undefined) {
    return `exited(${exitCode})${a.restartDelayMs !== undefined ? `, restarting after ${formatDurationMs(a.restartDelayMs)}` : ''}`;
  }
  if ((phase === 'failed' || phase === 'unhealthy' || phase === 'unknown') && reason) return `${phase}: ${reason}`;
  return phase;
}

/** What is wanted of the allocation: `run`, or `stop (<reason>)`. */
export function desiredOf(a: Pick<AllocationView, 'desired' | 'stopReason'>): string {
  return a.desired === 'stop' && a.stopReason ? `stop (${a.stopReason})` : a.desired;
}

/** The published ports, `hostIp:host->container/protocol`, comma-separated; `-` when none. */
export function portsOf(a: Pick<AllocationView, 'ports'>): string {
  return a.ports.map((p) => `${p.hostIp}:${p.host}->${p.container}/${p.protocol}`).join(',') || '-';
}

/** A duration as a person reads it: `0.93s`, `12.4s`, `3m12s`, `2h05m`. */
export function formatLasted(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 10) return `${seconds.toFixed(2)}s`;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const whole = Math.floor(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}
