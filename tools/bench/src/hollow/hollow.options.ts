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

function positiveInt(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n <= 0) throw new Error(`${flag} needs a positive integer, got '${value ?? ''}'`);
  return n;
}

/** Parses `argv` (without node and the script). Throws on an unknown flag or a bad value. */
export function parseHollowOptions(argv: readonly string[]): HollowOptions | 'help' {
  const o: HollowOptions = { ...defaultHollowOptions };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [name, inline] = flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (name) {
      case '--help':
      case '-h':
        return 'help';
      case '--nodes':
        o.nodes = positiveInt(name, value());
        break;
      case '--deployments':
        o.deployments = positiveInt(name, value());
        break;
      case '--replicas':
        o.replicas = positiveInt(name, value());
        break;
      case '--strategy': {
        const s = value();
        if (s !== 'spread' && s !== 'binpack') throw new Error(`--strategy is spread or binpack, got '${s ?? ''}'`);
        o.strategy = s;
        break;
      }
      case '--apply-concurrency':
        o.applyConcurrency = positiveInt(name, value());
        break;
      case '--window': {
        const w = Number(value());
        if (!Number.isInteger(w) || w < 0) throw new Error('--window needs a whole number ≥ 0');
        o.window = w;
        break;
      }
      case '--report-concurrency':
        o.reportConcurrency = positiveInt(name, value());
        break;
      case '--heartbeat-ms':
        o.heartbeatMs = positiveInt(name, value());
        break;
      case '--node-timeout-ms':
        o.nodeTimeoutMs = positiveInt(name, value());
        break;
      case '--no-profile':
        o.profile = false;
        break;
      case '--keep':
        o.keep = true;
        break;
      case '--timeout':
        o.timeoutSeconds = positiveInt(name, value());
        break;
      case '--quick':
        o.nodes = 100;
        o.deployments = 10;
        break;
      default:
        throw new Error(`unknown option '${flag}'\n${hollowUsage}`);
    }
  }
  if (o.replicas > 10_000) throw new Error('--replicas is at most 10 000 (the spec limit)');
  return o;
}
