import { intFlag, parseFlags, setFlag, type Flags } from '../shared/bench.args.js';

/** Command-line options of the hollow-agent benchmark. */
export interface HollowOptions {
  /** Simulated nodes in the one hollow-agent host. */
  nodes: number;
  /** Deployments applied. */
  deployments: number;
  /** Replicas of each deployment (total allocations = deployments × replicas). */
  replicas: number;
  /** Placement strategy of the deployments. */
  strategy: 'spread' | 'binpack';
  /** ApplyDeployment requests in flight at most. */
  applyConcurrency: number;
  /**
   * Replicas applied ahead of the placements seen (0: no bound). The scheduler submits everything
   * unplaced as one SubmitPlan request, and one above NATS's 1 MiB max_payload (≈ 5 000 placements)
   * is never answered, so an unbounded burst of 10 000 stalls placement (docs/benchmarks.md).
   */
  window: number;
  /** ReportAllocation requests in flight at most. */
  reportConcurrency: number;
  /** RegisterNode requests in flight at most. */
  registerConcurrency: number;
  /** Milliseconds between two heartbeats of one node (one publish per node each time). */
  heartbeatMs: number;
  /** The state-server's node liveness timeout (`PLATO_NODE_TIMEOUT_MS`). */
  nodeTimeoutMs: number;
  /** Run the state-server and scheduler with `--cpu-prof` and summarize the profiles. */
  profile: boolean;
  /** Keep the temporary directory of logs and profiles. */
  keep: boolean;
  /** The whole run aborts (and cleans up) after this many seconds. */
  timeoutSeconds: number;
}

/** The sizes of the issue: 10 000 allocations on 1 000 nodes. */
export const defaultHollowOptions: HollowOptions = {
  nodes: 1_000,
  deployments: 100,
  replicas: 100,
  strategy: 'spread',
  applyConcurrency: 8,
  window: 4_000,
  reportConcurrency: 64,
  registerConcurrency: 32,
  heartbeatMs: 1_000,
  nodeTimeoutMs: 30_000,
  profile: true,
  keep: false,
  timeoutSeconds: 300,
};

/** The usage text of `npm run bench:hollow -- --help`. */
export const hollowUsage = `usage: npm run bench:hollow -- [options]
  --nodes N               hollow nodes (default ${defaultHollowOptions.nodes})
  --deployments N         deployments applied (default ${defaultHollowOptions.deployments})
  --replicas N            replicas per deployment (default ${defaultHollowOptions.replicas})
  --strategy S            spread | binpack (default ${defaultHollowOptions.strategy})
  --apply-concurrency N   applies in flight (default ${defaultHollowOptions.applyConcurrency})
  --window N              replicas applied ahead of the placements seen, 0 = unbounded (default ${defaultHollowOptions.window})
  --report-concurrency N  allocation reports in flight (default ${defaultHollowOptions.reportConcurrency})
  --heartbeat-ms MS       heartbeat interval of each node (default ${defaultHollowOptions.heartbeatMs})
  --node-timeout-ms MS    the state-server's liveness timeout (default ${defaultHollowOptions.nodeTimeoutMs})
  --no-profile            run the services without --cpu-prof
  --keep                  keep the temporary directory (service logs, CPU profiles)
  --timeout S             abort the whole run after S seconds (default ${defaultHollowOptions.timeoutSeconds})
  --quick                 a smoke run: 100 nodes, 10 deployments × 100`;

const flags: Flags<HollowOptions> = {
  '--nodes': intFlag('nodes'),
  '--deployments': intFlag('deployments'),
  '--replicas': intFlag('replicas'),
  '--strategy': (o, value) => {
    const s = value();
    if (s !== 'spread' && s !== 'binpack') throw new Error(`--strategy is spread or binpack, got '${s ?? ''}'`);
    o.strategy = s;
  },
  '--apply-concurrency': intFlag('applyConcurrency'),
  '--window': (o, value) => {
    const w = Number(value());
    if (!Number.isInteger(w) || w < 0) throw new Error('--window needs a whole number ≥ 0');
    o.window = w;
  },
  '--report-concurrency': intFlag('reportConcurrency'),
  '--heartbeat-ms': intFlag('heartbeatMs'),
  '--node-timeout-ms': intFlag('nodeTimeoutMs'),
  '--no-profile': setFlag({ profile: false }),
  '--keep': setFlag({ keep: true }),
  '--timeout': intFlag('timeoutSeconds'),
  '--quick': setFlag({ nodes: 100, deployments: 10 }),
};

/** Parses `argv` (without node and the script). Throws on an unknown flag or a bad value. */
export function parseHollowOptions(argv: readonly string[]): HollowOptions | 'help' {
  const o = parseFlags(argv, defaultHollowOptions, flags, hollowUsage);
  if (o !== 'help' && o.replicas > 10_000) throw new Error('--replicas is at most 10 000 (the spec limit)');
  return o;
}
