import { cpus, hostname, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ContractViolation, NodeId, NodeLabels, Runtime, type ContractIssue } from '@plato/contracts';
import { natsServersFromEnv } from '@plato/messaging';

/** What the agent reads of the machine it runs on, so tests can pass another one. */
export interface HostFacts {
  hostname: string;
  /** Logical CPU cores. */
  cores: number;
  totalMemoryBytes: number;
}

/** The agent's settings; {@link loadAgentConfig} builds them from the environment. */
export interface AgentConfig {
  /** The node this agent runs (`PLATO_NODE_ID`; default: the hostname made a valid node id). */
  nodeId: string;
  /** The machine's hostname, as registered. */
  hostname: string;
  /** Node labels matched by deployments' constraints (`PLATO_NODE_LABELS=k=v,k=v`). */
  labels: Record<string, string>;
  /** What the node offers: CPU in millicores (`PLATO_NODE_CPU`), memory in MiB (`PLATO_NODE_MEMORY`). */
  capacity: { cpu: number; memory: number };
  /** NATS URLs (`PLATO_NATS_URL`, comma-separated). */
  natsServers: string[];
  /** The Docker engine's socket (`PLATO_DOCKER_SOCKET`, default `/var/run/docker.sock`). */
  dockerSocket: string;
  /** LXD's unix socket (`PLATO_LXD_SOCKET`, default `/var/lib/lxd/unix.socket`). */
  lxdSocket: string;
  /**
   * The runtimes the agent may use (`PLATO_RUNTIMES`, e.g. `docker,lxd`); of these it registers
   * those that answer at start. Undefined (the default): every runtime that answers.
   */
  runtimes?: Runtime[];
  /**
   * Where LXD image tarballs are looked up before an image is reported missing
   * (`PLATO_IMAGE_CACHE`, default `tools/images/.cache` of this checkout, where `tools/images/build`
   * writes them).
   */
  imageCache: string;
  /** Milliseconds between heartbeats (`PLATO_HEARTBEAT_MS`, default 1 000). */
  heartbeatMs: number;
  /** Milliseconds between full resyncs of every allocation with the engine (`PLATO_RECONCILE_MS`, default 1 000). */
  reconcileMs: number;
  /**
   * Allocations converged at once (`PLATO_RECONCILE_CONCURRENCY`, default 32). Most of a create is
   * waiting on the engine (an LXD proxy device takes about a second to set up), so a burst of
   * placements should not queue behind a few slots.
   */
  concurrency: number;
}

/** The machine this process runs on. */
export function hostFacts(): HostFacts {
  return { hostname: hostname(), cores: Math.max(1, cpus().length), totalMemoryBytes: totalmem() };
}

/**
 * Turns a hostname into a {@link NodeId}: lower case, every run of other characters than letters
 * and digits made one `-`, no leading or trailing `-`, at most 63 characters; `node` when nothing
 * is left.
 */
export function nodeIdFromHostname(name: string): string {
  const id = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
  return id.length > 0 ? id : 'node';
}

/**
 * The agent's settings from `env` (see {@link AgentConfig} for each variable) and the machine's
 * facts. Throws a {@link ContractViolation} naming every bad variable and why.
 */
export function loadAgentConfig(env: NodeJS.ProcessEnv = process.env, host: HostFacts = hostFacts()): AgentConfig {
  const issues: ContractIssue[] = [];
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const positive = (name: string, fallback: number): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (Number.isInteger(value) && value > 0) return value;
    issues.push({ path: name, message: `must be a positive whole number, got '${raw}'` });
    return fallback;
  };

  const nodeId = text('PLATO_NODE_ID') ?? nodeIdFromHostname(host.hostname);
  if (!NodeId.safeParse(nodeId).success) issues.push({ path: 'PLATO_NODE_ID', message: `'${nodeId}' must be lower-case letters, digits and '-', at most 63 characters` });

  const labels = parseLabels(text('PLATO_NODE_LABELS'), issues);
  const config: AgentConfig = {
    nodeId,
    hostname: host.hostname || nodeId,
    labels,
    capacity: {
      cpu: positive('PLATO_NODE_CPU', host.cores * 1000),
      memory: positive('PLATO_NODE_MEMORY', Math.max(1, Math.floor(host.totalMemoryBytes / (1024 * 1024)))),
    },
    natsServers: natsServersFromEnv(env),
    dockerSocket: text('PLATO_DOCKER_SOCKET') ?? '/var/run/docker.sock',
    lxdSocket: text('PLATO_LXD_SOCKET') ?? '/var/lib/lxd/unix.socket',
    ...parseRuntimes(text('PLATO_RUNTIMES'), issues),
    imageCache: text('PLATO_IMAGE_CACHE') ?? defaultImageCache,
    heartbeatMs: positive('PLATO_HEARTBEAT_MS', 1000),
    reconcileMs: positive('PLATO_RECONCILE_MS', 1000),
    concurrency: positive('PLATO_RECONCILE_CONCURRENCY', 32),
  };
  if (issues.length > 0) throw new ContractViolation('agent configuration', issues);
  return config;
}

/** `tools/images/.cache` of the checkout this file runs from (src/ or dist/ alike). */
const defaultImageCache = fileURLToPath(new URL('../../../../tools/images/.cache', import.meta.url));

function parseRuntimes(raw: string | undefined, issues: ContractIssue[]): { runtimes?: Runtime[] } {
  if (raw === undefined) return {};
  const runtimes: Runtime[] = [];
  for (const name of raw.split(',').map((n) => n.trim().toLowerCase()).filter((n) => n.length > 0)) {
    const parsed = Runtime.safeParse(name);
    if (!parsed.success) issues.push({ path: 'PLATO_RUNTIMES', message: `'${name}' is not a runtime (docker, lxd)` });
    else if (!runtimes.includes(parsed.data)) runtimes.push(parsed.data);
  }
  if (runtimes.length === 0 && !issues.some((issue) => issue.path === 'PLATO_RUNTIMES')) issues.push({ path: 'PLATO_RUNTIMES', message: 'names no runtime' });
  return { runtimes };
}

function parseLabels(raw: string | undefined, issues: ContractIssue[]): Record<string, string> {
  if (raw === undefined) return {};
  const labels: Record<string, string> = {};
  for (const pair of raw.split(',').map((p) => p.trim()).filter((p) => p.length > 0)) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      issues.push({ path: 'PLATO_NODE_LABELS', message: `'${pair}' is not key=value` });
      continue;
    }
    labels[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  const checked = NodeLabels.safeParse(labels);
  if (!checked.success) {
    for (const issue of checked.error.issues) issues.push({ path: 'PLATO_NODE_LABELS', message: `${issue.path.join('.')}: ${issue.message}` });
  }
  return labels;
}
