import {
  ContractViolation,
  CordonNode,
  DrainNode,
  ErrorCode,
  PlatoError,
  DescribeDeployment,
  GetNode,
  ListAllocations,
  ListNodes,
  UncordonNode,
  formatDurationMs,
  restartPolicyOf,
  type AllocationView,
  type HealthCheckSpec,
  type DeploymentDescription,
  type NodeView,
  type ReplyOf,
  type RestartSpec,
} from '@plato/contracts';
import { request } from '@plato/messaging';
import type { CliContext } from '../cli.context.js';
import { renderTable } from '../table.format.js';
import { desiredOf, portsOf, stateOf } from './allocation.commands.js';
import { rolloutSummary } from './rollout.commands.js';
import { currentVersionOf, pollUntilDone } from './wait.watcher.js';

/** `plato get nodes [ID]`: the nodes with their state, capacity and what is allocated on them. */
export async function getNodes(context: CliContext, id: string | undefined): Promise<void> {
  const nc = await context.connect();
  const items = id ? [await request(nc, GetNode, { nodeId: id })] : (await request(nc, ListNodes, {})).items;
  if (context.options.output === 'json') return context.print(`${JSON.stringify(id ? items[0] : { items }, null, 2)}\n`);
  if (items.length === 0) return context.print('no nodes\n');
  context.print(
    renderTable<NodeView>(items, [
      { header: 'node', cell: (n) => n.nodeId },
      { header: 'state', cell: (n) => n.state + (n.drain ? `,${n.drain.status}` : n.cordoned ? ',cordoned' : '') },
      { header: 'runtimes', cell: (n) => runtimesOf(n) },
      { header: 'cpu', cell: (n) => `${n.allocated.cpu}/${n.capacity.cpu}m` },
      { header: 'memory', cell: (n) => `${n.allocated.memory}/${n.capacity.memory}Mi` },
      { header: 'allocs', cell: (n) => n.allocations },
      { header: 'labels', cell: (n) => Object.entries(n.labels).map(([k, v]) => `${k}=${v}`).join(',') || '-' },
    ]),
  );
}

/** The node's runtimes, each one that does not answer now marked `(unavailable)`. */
function runtimesOf(n: NodeView): string {
  const unavailable = new Set(n.unavailableRuntimes.map((entry) => entry.runtime));
  return n.runtimes.map((runtime) => (unavailable.has(runtime) ? `${runtime}(unavailable)` : runtime)).join(',') || '-';
}

/** `plato get allocs [-n NS] [--deployment NAME] [--node ID] [--all]`. */
export async function getAllocations(context: CliContext, deployment: string | undefined): Promise<void> {
  const { namespace, node, all } = context.options;
  const reply = await request(await context.connect(), ListAllocations, {
    ...(namespace !== undefined || deployment !== undefined ? { namespace: namespace ?? 'default' } : {}),
    ...(deployment !== undefined ? { deployment } : {}),
    ...(node !== undefined ? { nodeId: node } : {}),
    includeTerminal: all,
  });
  if (context.options.output === 'json') return context.print(`${JSON.stringify(reply, null, 2)}\n`);
  if (reply.items.length === 0) return context.print('no allocations\n');
  context.print(allocationTable(reply.items));
}

/**
 * The allocation columns shared by `get allocs` and `describe deployment`: what is wanted, the
 * status the scheduler reads, the finer state with since when, and the restarts of its container.
 */
export function allocationTable(items: readonly AllocationView[]): string {
  return renderTable<AllocationView>(items, [
    { header: 'alloc', cell: (a) => a.allocId },
    { header: 'deployment', cell: (a) => `${a.namespace}/${a.deployment}` },
    { header: 'v', cell: (a) => a.version },
    { header: 'node', cell: (a) => a.nodeId },
    { header: 'desired', cell: (a) => desiredOf(a) },
    { header: 'status', cell: (a) => a.status },
    { header: 'state', cell: (a) => stateOf(a) },
    { header: 'since', cell: (a) => a.state.since },
    { header: 'restarts', cell: (a) => a.restarts ?? 0 },
    { header: 'ports', cell: (a) => portsOf(a) },
  ]);
}

/** `plato describe deployment NAME [-n NS]`: the spec, the allocations, and why any replica is pending. */
export async function describeDeployment(context: CliContext, name: string): Promise<void> {
  const namespace = context.options.namespace ?? 'default';
  const reply = await request(await context.connect(), DescribeDeployment, { namespace, name });
  if (context.options.output === 'json') return context.print(`${JSON.stringify(reply, null, 2)}\n`);
  context.print(renderDescription(reply));
}

/** The human form of a deployment's description. */
export function renderDescription(reply: DeploymentDescription): string {
  const { deployment: d, allocations, placement, degraded, rollout } = reply;
  const isCurrent = currentVersionOf(reply);
  const live = allocations.filter((a) => a.desired === 'run' && isCurrent(a.version));
  const running = live.filter((a) => a.status === 'running').length;
  const lines = [
    `Name:        ${d.namespace}/${d.name}`,
    `Status:      ${d.deleted ? 'deleted' : degraded ? `degraded since ${degraded.since}` : 'live'}`,
    `Version:     ${d.version} (revision ${d.revision})`,
    `Image:       ${d.spec.image} on ${d.spec.runtime}`,
    `Replicas:    ${d.replicas} desired, ${live.length} placed, ${running} running`,
    `Resources:   ${d.spec.resources.cpu}m CPU, ${d.spec.resources.memory} MiB per replica`,
    `Strategy:    ${d.spec.strategy}${d.spec.constraints.length ? `, constraints ${d.spec.constraints.join(' and ')}` : ''}`,
  ];
  if (d.spec.health) lines.push(`Health:      ${describeCheck(d.spec.health)}`);
  if (placement.blocked) {
    lines.push(`Pending:     ${placement.missing} replica(s) cannot be placed: ${placement.summary}`);
  }
  if (degraded) lines.push(`Degraded:    ${degraded.reason}`);
  if (rollout) lines.push(`Rollout:     ${rolloutSummary(rollout)}; ${rollout.status === 'running' || rollout.status === 'awaiting-promotion' || rollout.status === 'paused' ? `waiting for ${rollout.waiting}` : rollout.reason ?? `${rollout.healthy}/${rollout.desired} healthy`}`);
  if (d.spec.update) {
    const u = d.spec.update;
    lines.push(
      `Update:      ${u.max_parallel} at a time, ${u.order}, healthy for ${formatDurationMs(u.min_healthy_time)} within ${formatDurationMs(u.healthy_deadline)}, progress within ${u.progress_deadline ? formatDurationMs(u.progress_deadline) : 'no deadline'}${u.canary ? `, ${u.canary} canary` : ''}${u.auto_revert ? ', auto-revert' : ''}`,
    );
  }
  lines.push(`Restart:     ${describeRestart(restartPolicyOf(d.spec))}`);
  const r = d.spec.reschedule;
  lines.push(`Reschedule:  after ${formatDurationMs(r.delay)}, doubling up to ${formatDurationMs(r.max_delay)}, ${r.attempts ? `${r.attempts} attempts` : 'unlimited'} within ${formatDurationMs(r.interval)}`);
  lines.push('', allocations.length ? allocationTable(allocations).trimEnd() : 'no allocations', '');
  return lines.join('\n');
}

/** A restart policy in one line: which exits, how long it waits, and what happens once its attempts are used up. */
export function describeRestart(policy: RestartSpec): string {
  if (policy.policy === 'never') return 'never';
  const d = formatDurationMs;
  const exits = policy.policy === 'always' ? 'always' : `on failure${policy.normal_exit_codes.length ? ` (exit codes 0, ${policy.normal_exit_codes.join(', ')} are normal)` : ''}`;
  const attempts = policy.attempts ? `${policy.attempts} attempts within ${d(policy.interval)}, then ${policy.mode === 'fail' ? 'failed' : 'wait for the interval'}` : `unlimited (counted within ${d(policy.interval)})`;
  return `${exits}, after ${d(policy.delay)} doubling up to ${d(policy.max_delay)}, ${attempts}`;
}

/** A health check in one line: what it probes, how often, and when it turns unhealthy. */
export function describeCheck(check: HealthCheckSpec): string {
  const probe =
    check.type === 'http'
      ? `http GET ${check.path} on port ${check.port}${check.status !== undefined ? ` wants ${check.status}` : ''}`
      : check.type === 'tcp'
        ? `tcp connect to port ${check.port}`
        : `exec ${check.command.join(' ')}`;
  const d = formatDurationMs;
  return `${probe} every ${d(check.interval)} (timeout ${d(check.timeout)}, unhealthy after ${check.failures} failures, grace ${d(check.grace)})`;
}

/** `plato cordon|uncordon NODE`. */
export async function cordonCommand(context: CliContext, nodeId: string | undefined, cordon: boolean): Promise<void> {
  const verb = cordon ? 'cordon' : 'uncordon';
  if (!nodeId) throw new ContractViolation(`plato ${verb}`, [{ path: '', message: `usage: plato ${verb} NODE` }]);
  const contract = cordon ? CordonNode : UncordonNode;
  const reply: ReplyOf<typeof CordonNode> = await request(await context.connect(), contract, { commandId: context.commandId(), nodeId });
  if (context.options.output === 'json') return context.print(`${JSON.stringify(reply, null, 2)}\n`);
  context.print(`node ${nodeId}: ${reply.events.length ? reply.events.map((e) => `${e.type} at position ${e.position}`).join(', ') : `already ${verb}ed`}\n`);
}

/**
 * `plato drain NODE [--deadline D] [--wait]`: cordons the node and starts its drain; with `--wait`,
 * prints what is left on the node until it is drained (or `--timeout` passes, exit 1).
 */
export async function drainCommand(context: CliContext, nodeId: string | undefined): Promise<void> {
  if (!nodeId) throw new ContractViolation('plato drain', [{ path: '', message: 'usage: plato drain NODE [--deadline 5m] [--wait]' }]);
  const nc = await context.connect();
  const { deadlineMs, wait, timeoutSeconds, output } = context.options;
  const reply: ReplyOf<typeof DrainNode> = await request(nc, DrainNode, { commandId: context.commandId(), nodeId, ...(deadlineMs !== undefined ? { deadlineMs } : {}) });
  if (output === 'json') context.print(`${JSON.stringify(reply, null, 2)}\n`);
  else context.print(`node ${nodeId}: ${reply.events.length ? reply.events.map((e) => `${e.type} at position ${e.position}`).join(', ') : 'already draining'}\n`);
  if (!wait) return;
  await pollUntilDone(
    context,
    async () => {
      const node = await request(nc, GetNode, { nodeId });
      const done = node.drain?.status === 'drained';
      return { text: done ? `node ${nodeId}: drained` : `node ${nodeId}: draining, ${node.allocations} allocation(s) left`, done, details: node.allocations };
    },
    timeoutSeconds * 1_000,
    (text, left) => new PlatoError(ErrorCode.Unavailable, `node ${nodeId} not drained within ${timeoutSeconds} s: ${text}`, { nodeId, allocations: left }),
  );
}
