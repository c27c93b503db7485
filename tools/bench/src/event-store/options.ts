import { intFlag, intListFlag, parseFlags, setFlag, type Flags } from '../shared/bench.args.js';

/** Command-line options of the event-store benchmark. Defaults are the full sizes of the issue. */
export interface BenchOptions {
  /** Events seeded and replayed by the readAll benchmarks. */
  events: number;
  /** Appends of one concurrent-append run (one event each), spread over `streams`. */
  appends: number;
  /** Distinct streams (subjects) of the concurrent-append runs and of the replay seed. */
  streams: number;
  /** Appends of the sequential run (each awaits the previous). */
  sequential: number;
  /** Streams the sequential run rotates over. */
  sequentialStreams: number;
  /** Bounds of appends in flight to try in the concurrent runs. */
  concurrency: number[];
  /** Messages per pull batch of the readAll consumer (the adapter's default is 4 096). */
  batchSize: number;
  /** Timed runs of each sequential and concurrent-append kind and bound (the best is reported, all are listed). */
  appendRounds: number;
  /** Timed replays of each kind (the best is reported, all are listed in the JSON). */
  replayRounds: number;
  /** Also measure where the time goes (component costs, batch sizes, CPU profiles). */
  diagnostics: boolean;
  /** The whole run aborts (and cleans up) after this many seconds. */
  timeoutSeconds: number;
}

export const defaultOptions: BenchOptions = {
  events: 1_000_000,
  appends: 100_000,
  streams: 10_000,
  sequential: 10_000,
  sequentialStreams: 4,
  concurrency: [256, 512, 1024],
  batchSize: 4096,
  appendRounds: 2,
  replayRounds: 3,
  diagnostics: true,
  timeoutSeconds: 900,
};

export const usage = `usage: npm run bench:event-store -- [options]
  --events N           events seeded and replayed (default ${defaultOptions.events})
  --appends N          appends per concurrent run (default ${defaultOptions.appends})
  --streams N          streams of the concurrent runs and the seed (default ${defaultOptions.streams})
  --sequential N       sequential appends (default ${defaultOptions.sequential})
  --concurrency A,B,C  appends in flight to try (default ${defaultOptions.concurrency.join(',')})
  --batch-size N       readAll consumer batch size (default ${defaultOptions.batchSize})
  --append-rounds N    timed runs of each append kind (and bound) (default ${defaultOptions.appendRounds})
  --replay-rounds N    timed replays of each kind (default ${defaultOptions.replayRounds})
  --no-diagnostics     skip the where-does-the-time-go measurements
  --timeout S          abort the run after S seconds (default ${defaultOptions.timeoutSeconds})
  --quick              a smoke run: events 100000, appends 20000, sequential 1000, one round each`;

const flags: Flags<BenchOptions> = {
  '--events': intFlag('events'),
  '--appends': intFlag('appends'),
  '--streams': intFlag('streams'),
  '--sequential': intFlag('sequential'),
  '--concurrency': intListFlag('concurrency'),
  '--batch-size': intFlag('batchSize'),
  '--append-rounds': intFlag('appendRounds'),
  '--replay-rounds': intFlag('replayRounds'),
  '--no-diagnostics': setFlag({ diagnostics: false }),
  '--timeout': intFlag('timeoutSeconds'),
  '--quick': setFlag({ events: 100_000, appends: 20_000, sequential: 1_000, appendRounds: 1, replayRounds: 1 }),
};

/** Parses `argv` (without node and the script). Throws on an unknown flag or a bad value. */
export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  return parseFlags(argv, defaultOptions, flags, usage);
}
