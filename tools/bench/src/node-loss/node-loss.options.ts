import { intFlag, parseFlags, setFlag, type Flags } from '../shared/bench.args.js';

/** Command-line options of the node-loss benchmark. */
export interface NodeLossOptions {
  /** Timed trials; the victim alternates between the two zone nodes. */
  trials: number;
  /** Replicas of the spread deployment over the two zone nodes. */
  replicas: number;
  /** Agents' heartbeat period in ms (`PLATO_HEARTBEAT_MS`). */
  heartbeatMs: number;
  /** A trial that has not seen every replacement running after this many seconds is a miss. */
  trialTimeoutSeconds: number;
  /** The image every replica runs. */
  image: string;
  /** The whole run aborts (and cleans up) after this many seconds. */
  timeoutSeconds: number;
}

/** Ten trials of two replicas, as issue 5 asks. */
export const defaultNodeLossOptions: NodeLossOptions = {
  trials: 10,
  replicas: 2,
  heartbeatMs: 1000,
  trialTimeoutSeconds: 30,
  image: 'plato/busybox:latest',
  timeoutSeconds: 900,
};

/** The usage text of `npm run bench:node-loss -- --help`. */
export const nodeLossUsage = `usage: npm run bench:node-loss -- [options]
  --trials N         timed node losses, the victim alternating between nodes A and B (default ${defaultNodeLossOptions.trials})
  --replicas N       replicas of the spread deployment over A and B (default ${defaultNodeLossOptions.replicas})
  --heartbeat-ms MS  the agents' heartbeat period (default ${defaultNodeLossOptions.heartbeatMs})
  --trial-timeout S  a trial not done after S seconds is a miss (default ${defaultNodeLossOptions.trialTimeoutSeconds})
  --timeout S        abort the whole run after S seconds (default ${defaultNodeLossOptions.timeoutSeconds})
  --quick            a smoke run: 2 trials`;

const flags: Flags<NodeLossOptions> = {
  '--trials': intFlag('trials'),
  '--replicas': intFlag('replicas'),
  '--heartbeat-ms': intFlag('heartbeatMs'),
  '--trial-timeout': intFlag('trialTimeoutSeconds'),
  '--timeout': intFlag('timeoutSeconds'),
  '--quick': setFlag({ trials: 2 }),
};

/** Parses `argv` (without node and the script). Throws on an unknown flag or a bad value. */
export function parseNodeLossOptions(argv: readonly string[]): NodeLossOptions | 'help' {
  return parseFlags(argv, defaultNodeLossOptions, flags, nodeLossUsage);
}
