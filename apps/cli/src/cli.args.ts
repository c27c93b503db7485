import { parseArgs } from 'node:util';
import { ContractViolation, parseDurationMs } from '@plato/contracts';

/** The options `plato` understands; each subcommand accepts a subset (see {@link usage}). */
export interface CliOptions {
  nats?: string;
  stateDir?: string;
  port?: number;
  /** `--gateway-port`: where `plato up` serves the HTTP API (default 8080). */
  gatewayPort?: number;
  /** `--node-id`: the node id of the agent `plato up` runs (default: the hostname). */
  nodeId?: string;
  file?: string;
  namespace?: string;
  output: 'table' | 'json';
  ifRevision?: number;
  /** `--wait`: apply/scale/delete wait until the deployment converged (or is gone). */
  wait: boolean;
  /** `--timeout SECONDS` of `--wait` (default 60). */
  timeoutSeconds: number;
  /** `--follow`: `events` keeps printing new events. */
  follow: boolean;
  /** `--since POSITION`: `events` starts after this position. */
  since?: number;
  /** `--stream NAME`: `events` shows only this stream and the streams under it. */
  stream?: string;
  /** `--node ID`: `get allocs` on one node. */
  node?: string;
  /** `--all`: `get allocs` includes ended allocations. */
  all: boolean;
  /** `--deadline DURATION` of `drain`, in milliseconds: after it, what is left on the node is stopped. */
  deadlineMs?: number;
  /** `--to-version N` of `rollout undo`: the version to bring back. */
  toVersion?: number;
  help: boolean;
}

/** A parsed command line: the subcommand, its positional arguments, and the options. */
export interface CliArgs {
  command: string | undefined;
  args: string[];
  options: CliOptions;
}

/** The help text. */
export const usage = `Usage: plato <command> [options]

Commands:
  up [--state-dir DIR] [--port N]             a single-node cluster: nats-server (JetStream, store in DIR/nats,
     [--gateway-port G] [--node-id ID]        on 127.0.0.1:N), state-server, scheduler, gateway (127.0.0.1:G)
                                              and an agent on this machine's Docker; Ctrl-C stops all of it.
                                              Defaults: DIR ./.plato, N 4222, G 8080, ID the hostname
  plan -f FILE                                what applying FILE would do, written nowhere: placements per node,
                                              stops and why, in place or replacement, pending replicas, and
                                              the revision it was computed against
  apply -f FILE [--if-revision R] [--wait]    apply the deployment spec(s) in FILE (YAML or JSON; '-' reads stdin);
                                              with R, only if the deployment is still at revision R (else exit 4)
  get deployments [NAME] [-n NS]              list live deployments, or show one
  get nodes [ID]                              nodes with state, capacity and what is allocated
  get allocs [DEPLOYMENT] [--node ID] [--all] allocations: desired, status, and state since when
  describe deployment NAME [-n NS]            spec, allocations, and why any replica is pending
  describe node ID                            one node
  describe alloc ALLOC|NODE/ALLOC             one allocation and its timeline: each state, how long
                                              it lasted, and why (exit codes, stop reasons)
  history deployment|node|alloc ID            the events of one object, with position and type
                                              (alloc ID is NODE/ALLOC)
  events [--since N] [--stream S] [--follow]  the log's events (the last 50, or after position N)
  scale NAME REPLICAS [-n NS] [--if-revision R] [--wait]
  delete NAME [-n NS] [--if-revision R] [--wait]
  cordon NODE | uncordon NODE                 take a node out of scheduling, or return it (uncordon ends a drain)
  drain NODE [--deadline 5m] [--wait]         cordon and move its allocations elsewhere, migrate.max_parallel at a time
  rollout status NAME [--wait]                where the rollout of the current version stands; --wait follows it
                                              until it completes (exit 0) or fails (exit 4)
  rollout pause|resume NAME                   stop replacing replicas, or go on
  rollout promote NAME (or: promote NAME)     let the rollout go on past its canaries, once they serve
  rollout undo NAME [--to-version N]          bring back the newest stable version before the current one
                                              (or N) as a new version, keeping the replica count

Options:
  --nats URL        NATS to talk to (default: $PLATO_NATS_URL, else the URL 'plato up' wrote in the
                    state dir, else nats://127.0.0.1:4222)
  --state-dir DIR   where 'plato up' keeps its state (default ./.plato)
  -n, --namespace   namespace (default 'default')
  -o, --output      'table' (default) or 'json'
  --wait            wait until converged, printing running/pending counts (--timeout SECONDS, default 60)
  -h, --help        this text
`;

/**
 * Parses `plato`'s command line. Throws a ContractViolation naming each bad option, so a usage
 * error prints like any other.
 */
export function parseCliArgs(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        nats: { type: 'string' },
        'state-dir': { type: 'string' },
        port: { type: 'string' },
        'gateway-port': { type: 'string' },
        'node-id': { type: 'string' },
        file: { type: 'string', short: 'f' },
        namespace: { type: 'string', short: 'n' },
        output: { type: 'string', short: 'o' },
        'if-revision': { type: 'string' },
        wait: { type: 'boolean' },
        timeout: { type: 'string' },
        follow: { type: 'boolean', short: 'F' },
        since: { type: 'string' },
        stream: { type: 'string' },
        node: { type: 'string' },
        all: { type: 'boolean' },
        deadline: { type: 'string' },
        'to-version': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new ContractViolation('command line', [{ path: '', message: error instanceof Error ? error.message : String(error) }]);
  }
  const { values, positionals } = parsed;
  const issues: { path: string; message: string }[] = [];
  const output = values.output ?? 'table';
  if (output !== 'table' && output !== 'json') issues.push({ path: '--output', message: "must be 'table' or 'json'" });
  const port = integerOption('--port', values.port, 1, 65535, issues);
  const gatewayPort = integerOption('--gateway-port', values['gateway-port'], 1, 65535, issues);
  const ifRevision = integerOption('--if-revision', values['if-revision'], 0, Number.MAX_SAFE_INTEGER, issues);
  const timeoutSeconds = integerOption('--timeout', values.timeout, 1, 86_400, issues) ?? 60;
  const since = integerOption('--since', values.since, 0, Number.MAX_SAFE_INTEGER, issues);
  const toVersion = integerOption('--to-version', values['to-version'], 1, Number.MAX_SAFE_INTEGER, issues);
  const deadlineMs = values.deadline === undefined ? undefined : parseDurationMs(values.deadline);
  if (values.deadline !== undefined && deadlineMs === undefined) issues.push({ path: '--deadline', message: `must be a duration such as '30s' or '5m', got '${values.deadline}'` });
  if (issues.length > 0) throw new ContractViolation('command line', issues);
  const [command, ...args] = positionals;
  return {
    command,
    args,
    options: {
      ...(values.nats !== undefined && { nats: values.nats }),
      ...(values['state-dir'] !== undefined && { stateDir: values['state-dir'] }),
      ...(port !== undefined && { port }),
      ...(gatewayPort !== undefined && { gatewayPort }),
      ...(values['node-id'] !== undefined && { nodeId: values['node-id'] }),
      ...(values.file !== undefined && { file: values.file }),
      ...(values.namespace !== undefined && { namespace: values.namespace }),
      ...(ifRevision !== undefined && { ifRevision }),
      ...(since !== undefined && { since }),
      ...(values.stream !== undefined && { stream: values.stream }),
      ...(values.node !== undefined && { node: values.node }),
      ...(deadlineMs !== undefined && { deadlineMs }),
      ...(toVersion !== undefined && { toVersion }),
      wait: values.wait ?? false,
      timeoutSeconds,
      follow: values.follow ?? false,
      all: values.all ?? false,
      output: output as 'table' | 'json',
      help: values.help ?? false,
    },
  };
}

/** Parses a whole number in [min, max], recording an issue for anything else. */
export function integerOption(
  name: string,
  value: string | undefined,
  min: number,
  max: number,
  issues: { path: string; message: string }[],
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    issues.push({ path: name, message: `must be a whole number from ${min} to ${max}, got '${value}'` });
    return undefined;
  }
  return number;
}
