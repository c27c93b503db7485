import type { DeploymentPlanPreview } from '@plato/contracts';

/**
 * Renders a plan preview for people, as `terraform plan` and `nomad job plan` do: a headline with
 * the change, one line per kind of action (`- stop`, `+ place`, `! pending`), whether running
 * allocations are kept (in place) or replaced, and what it was computed against.
 */
export function formatPlanPreview(preview: DeploymentPlanPreview): string {
  const lines = [`deployment ${preview.namespace}/${preview.name}: ${headline(preview)}`];
  for (const [reason, stops] of groupBy(preview.stops, (stop) => stop.reason)) {
    lines.push(`  - stop ${stops.length} (${reason}) on ${tally(stops.map((stop) => stop.nodeId))}`);
  }
  if (preview.placements.length > 0) lines.push(`  + place ${preview.placements.length} (${tally(preview.placements.map((p) => p.nodeId))})`);
  if (preview.unplaced) lines.push(`  ! pending ${preview.unplaced.count}: ${preview.unplaced.summary}`);
  const outcome = outcomeLine(preview);
  if (outcome) lines.push(`  ${outcome}`);
  const { placements, stops } = preview.elsewhere;
  if (placements + stops > 0) lines.push(`  (the same plan also places ${placements} and stops ${stops} allocations of other deployments)`);
  lines.push(`  planned against revision ${preview.revision} of ${preview.namespace}/${preview.name} at log position ${preview.position}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The line that applies what was planned, only if the deployment did not change since:
 * `plato apply -f FILE --if-revision R`, or that there is nothing to apply.
 */
export function applyHint(file: string, previews: readonly DeploymentPlanPreview[]): string {
  const changing = previews.filter((preview) => preview.change !== 'unchanged');
  if (changing.length === 0) return 'nothing to apply\n';
  const [only] = previews;
  if (previews.length === 1 && only) return `to apply exactly this: plato apply -f ${file} --if-revision ${only.revision}\n`;
  return `to apply: plato apply -f ${file} (--if-revision takes one deployment's revision: put each in its own file to make it conditional)\n`;
}

function headline(preview: DeploymentPlanPreview): string {
  const changed = preview.changedFields.length > 0 ? `; changed: ${preview.changedFields.join(', ')}` : '';
  switch (preview.change) {
    case 'create':
      return `create version ${preview.version} with ${replicas(preview.replicas.to)}`;
    case 'recreate':
      return `recreate (deleted at version ${preview.fromVersion}) as version ${preview.version} with ${replicas(preview.replicas.to)}${changed}`;
    case 'new-version':
      return `new version ${preview.version} (was ${preview.fromVersion})${changed}`;
    case 'scale':
      return `scale ${preview.replicas.from} → ${preview.replicas.to} (version ${preview.version})${changed}`;
    case 'unchanged':
      return `no change (version ${preview.version}, ${replicas(preview.replicas.to)})`;
  }
}

function outcomeLine(preview: DeploymentPlanPreview): string | undefined {
  switch (preview.update) {
    case 'replacement': {
      const replaced = preview.stops.filter((stop) => stop.reason === 'outdated').length;
      return `~ replacement: ${allocations(replaced)} of older versions replaced by version ${preview.version}`;
    }
    case 'in-place':
      return `~ update in place: ${allocations(preview.kept)} kept running`;
    case 'none':
      return preview.change === 'unchanged' ? `= ${allocations(preview.kept)} running as they are` : undefined;
  }
}

function replicas(count: number): string {
  return `${count} ${count === 1 ? 'replica' : 'replicas'}`;
}

function allocations(count: number): string {
  return `${count} ${count === 1 ? 'allocation' : 'allocations'}`;
}

/** `node-a ×2, node-b ×1`: most first, then by node id. */
function tally(nodeIds: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const nodeId of nodeIds) counts.set(nodeId, (counts.get(nodeId) ?? 0) + 1);
  return [...counts]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .map(([nodeId, count]) => `${nodeId} ×${count}`)
    .join(', ');
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
