import { intFlag, intListFlag, parseFlags, setFlag, type Flags } from '../shared/bench.args.js';

/** Command-line options of the apply benchmark. */
export interface ApplyOptions {
  /** Replica counts to apply, each on one node. */
  sizes: number[];
  /** Timed rounds of each size (apply and floor alternate which goes first). */
  rounds: number;
  /** Extra rounds for size 1, which is cheap and the noisiest. */
  singleRounds: number;
  /** Each replica's CPU in millicores (the floor's `--cpus`). */
  cpu: number;
  /** Each replica's memory limit in MiB (the floor's `--memory`). */
  memory: number;
  /** The image every replica runs. */
  image: string;
  /** Bound of each wait inside a round, in seconds. */
  roundTimeoutSeconds: number;
  /** The whole run aborts (and cleans up) after this many seconds. */
  timeoutSeconds: number;
}

/** The sizes and rounds of the issue. */
export const defaultApplyOptions: ApplyOptions = {
  sizes: [1, 10, 50],
  rounds: 3,
  singleRounds: 5,
  cpu: 20,
  memory: 16,
  image: 'plato/busybox:latest',
  roundTimeoutSeconds: 120,
  timeoutSeconds: 900,
};

/** The usage text of `npm run bench:apply -- --help`. */
export const applyUsage = `usage: npm run bench:apply -- [options]
  --sizes A,B,C      replica counts applied on the one node (default ${defaultApplyOptions.sizes.join(',')})
  --rounds N         timed rounds per size (default ${defaultApplyOptions.rounds}; size 1 gets --single-rounds)
  --single-rounds N  timed rounds of size 1 (default ${defaultApplyOptions.singleRounds})
  --cpu M            millicores per replica (default ${defaultApplyOptions.cpu})
  --memory MIB       memory limit per replica (default ${defaultApplyOptions.memory})
  --round-timeout S  bound of each wait in a round (default ${defaultApplyOptions.roundTimeoutSeconds})
  --timeout S        abort the whole run after S seconds (default ${defaultApplyOptions.timeoutSeconds})
  --quick            a smoke run: sizes 1,10, one round each`;

/** The flags of the apply benchmark (the LXD one takes them too). */
export const applyFlags: Flags<ApplyOptions> = {
  '--sizes': intListFlag('sizes'),
  '--rounds': intFlag('rounds'),
  '--single-rounds': intFlag('singleRounds'),
  '--cpu': intFlag('cpu'),
  '--memory': intFlag('memory'),
  '--round-timeout': intFlag('roundTimeoutSeconds'),
  '--timeout': intFlag('timeoutSeconds'),
  '--quick': setFlag({ sizes: [1, 10], rounds: 1, singleRounds: 1 }),
};

/** Parses `argv` (without node and the script). Throws on an unknown flag or a bad value. */
export function parseApplyOptions(argv: readonly string[]): ApplyOptions | 'help' {
  return parseFlags(argv, defaultApplyOptions, applyFlags, applyUsage);
}
