import { ContractViolation, GetDeployment, ListDeployments, StreamHistory, Streams, restartNote, type ContainerExit, type DeploymentView, type ReplyOf } from '@plato/contracts';
import { request } from '@plato/messaging';
import type { CliContext } from '../cli.context.js';
import { renderTable } from '../table.format.js';
import { getAllocations, getNodes } from './cluster.commands.js';

type HistoryEntry = ReplyOf<typeof StreamHistory>['events'][number];

/** `plato get deployments|nodes|allocs [NAME] [-n NS] [-o json]`. */
export async function getCommand(context: CliContext, args: string[]): Promise<void> {
  const [kind, name, ...rest] = args;
  if (rest.length === 0 && (kind === 'nodes' || kind === 'node')) return getNodes(context, name);
  if (rest.length === 0 && (kind === 'allocs' || kind === 'alloc' || kind === 'allocations')) return getAllocations(context, name);
  if (!isDeploymentKind(kind) || rest.length > 0) {
    throw new ContractViolation('plato get', [{ path: '', message: 'usage: plato get deployments|nodes|allocs [NAME] [-n NAMESPACE] [-o json]' }]);
  }
  const nc = await context.connect();
  const { namespace } = context.options;
  const items = name
    ? [await request(nc, GetDeployment, { namespace: namespace ?? 'default', name })]
    : (await request(nc, ListDeployments, namespace ? { namespace } : {})).items;
  if (context.options.output === 'json') {
    context.print(`${JSON.stringify(name ? items[0] : { items }, null, 2)}\n`);
    return;
  }
  if (items.length === 0) {
    context.print(namespace ? `no deployments in namespace ${namespace}\n` : 'no deployments\n');
    return;
  }
  context.print(
    renderTable<DeploymentView>(items, [
      { header: 'namespace', cell: (d) => d.namespace },
      { header: 'name', cell: (d) => d.name },
      { header: 'image', cell: (d) => d.spec.image },
      { header: 'replicas', cell: (d) => d.replicas },
      { header: 'runtime', cell: (d) => d.spec.runtime },
      { header: 'version', cell: (d) => d.version },
      { header: 'revision', cell: (d) => d.revision },
      { header: 'status', cell: (d) => (d.deleted ? 'deleted' : 'live') },
    ]),
  );
}

/** `plato history deployment|node|alloc ID [-n NS] [-o json]`: the stream's events with position and type. */
export async function historyCommand(context: CliContext, args: string[]): Promise<void> {
  const [kind, name, ...rest] = args;
  const usage = 'usage: plato history deployment NAME [-n NAMESPACE] | node ID | alloc NODE/ALLOC [-o json]';
  if (!name || rest.length > 0) throw new ContractViolation('plato history', [{ path: '', message: usage }]);
  const namespace = context.options.namespace ?? 'default';
  let stream: string;
  try {
    if (isDeploymentKind(kind)) stream = Streams.deployment(namespace, name);
    else if (kind === 'node') stream = Streams.node(name);
    else if (kind === 'alloc' || kind === 'allocation') {
      const [nodeId, allocId, ...extra] = name.split('/');
      if (!nodeId || !allocId || extra.length > 0) throw new Error(`'${name}' must be NODE/ALLOC`);
      stream = Streams.allocation(nodeId, allocId);
    } else throw new ContractViolation('plato history', [{ path: '', message: usage }]);
  } catch (error) {
    if (error instanceof ContractViolation) throw error;
    throw new ContractViolation('plato history', [{ path: 'NAME', message: error instanceof Error ? error.message : String(error) }]);
  }
  const reply = await request(await context.connect(), StreamHistory, { stream });
  if (context.options.output === 'json') {
    context.print(`${JSON.stringify(reply, null, 2)}\n`);
    return;
  }
  if (reply.events.length === 0) {
    context.print(`no events in stream ${stream}\n`);
    return;
  }
  context.print(
    renderTable<HistoryEntry>(reply.events, [
      { header: 'position', cell: (e) => e.position },
      { header: 'type', cell: (e) => e.type },
      { header: 'created', cell: (e) => e.created },
      { header: 'details', cell: (e) => summarize(e) },
    ]),
  );
}

function isDeploymentKind(kind: string | undefined): boolean {
  return kind === 'deployment' || kind === 'deployments' || kind === 'deploy';
}

/** One line about an event's data: the fields a reader looks for first. */
export function summarize(entry: Pick<HistoryEntry, 'type' | 'data'>): string {
  const data = (entry.data ?? {}) as Record<string, unknown>;
  switch (entry.type) {
    case 'DeploymentSpecApplied': {
      const spec = (data['spec'] ?? {}) as Record<string, unknown>;
      const revert = data['revertOf'] !== undefined ? ` (brings back version ${String(data['revertOf'])})` : '';
      return `version=${String(data['version'])} image=${String(spec['image'])} replicas=${String(spec['replicas'])}${revert}`;
    }
    case 'RolloutStarted':
      return `version ${String(data['version'])}${data['from'] !== undefined ? ` replaces version ${String(data['from'])}` : ''}`;
    case 'RolloutPaused':
    case 'RolloutResumed':
    case 'RolloutPromoted':
    case 'RolloutCompleted':
      return `version ${String(data['version'])}`;
    case 'RolloutFailed':
      return `version ${String(data['version'])}: ${String(data['reason'])}${data['revertTo'] !== undefined ? `; reverting to version ${String(data['revertTo'])}` : ''}`;
    case 'DeploymentScaled':
      return `replicas ${String(data['from'])} -> ${String(data['to'])}`;
    case 'DeploymentDeleted':
      return `version=${String(data['version'])}`;
    case 'DeploymentPlacementBlocked':
      return `${String(data['missing'])} replica(s) cannot be placed: ${String(data['summary'])}`;
    case 'AllocationPlaced':
      return `${String(data['namespace'])}/${String(data['deployment'])} v${String(data['version'])} #${String(data['index'])} on ${String(data['nodeId'])}`;
    case 'AllocationStopRequested':
      return `reason=${String(data['reason'])}`;
    case 'AllocationStarted':
    case 'AllocationStartBegan':
    case 'AllocationStopBegan':
      return `container=${String(data['containerId']).slice(0, 12)}`;
    case 'AllocationPullBegan':
      return String(data['reason']);
    case 'AllocationExited':
      return `exit ${String(data['exitCode'])}${data['willRestart'] ? `, ${restartNote(data as ContainerExit)}` : ''}`;
    case 'AllocationFailed':
    case 'AllocationUnknown':
    case 'AllocationUnhealthy':
      return String(data['reason']);
    case 'AllocationHealthy':
      return 'health check passed';
    case 'AllocationRecovered':
      return `node ${String(data['nodeId'])} came back; kept, not replaced`;
    case 'DeploymentDegraded':
      return `version ${String(data['version'])}: ${String(data['reason'])}`;
    case 'DeploymentRestored':
      return `version ${String(data['version'])} no longer keeps failing`;
    case 'NodeRuntimeUnavailable':
      return `${String(data['runtime'])}: ${String(data['reason'])}`;
    case 'NodeRuntimeAvailable':
      return String(data['runtime']);
    case 'NodeRegistered': {
      const capacity = (data['capacity'] ?? {}) as Record<string, unknown>;
      return `${String(data['hostname'])} cpu=${String(capacity['cpu'])}m memory=${String(capacity['memory'])}Mi runtimes=${String(data['runtimes'])}`;
    }
    default:
      return JSON.stringify(data);
  }
}
