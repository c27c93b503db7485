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

function positiveInt(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n <= 0) throw new Error(`${flag} needs a positive integer, got '${value ?? ''}'`);
  return n;
}

/** Parses `argv` (without node and the script). Throws on an unknown flag or a bad value. */
export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  const options: BenchOptions = { ...defaultOptions, concurrency: [...defaultOptions.concurrency] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [name, inline] = flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (name) {
      case '--help':
      case '-h':
        return 'help';
      case '--events':
        options.events = positiveInt(name, value());
        break;
      case '--appends':
        options.appends = positiveInt(name, value());
        break;
      case '--streams':
        options.streams = positiveInt(name, value());
        break;
      case '--sequential':
        options.sequential = positiveInt(name, value());
        break;
      case '--concurrency':
        options.concurrency = (value() ?? '').split(',').map((v) => positiveInt(name, v));
        break;
      case '--batch-size':
        options.batchSize = positiveInt(name, value());
        break;
      case '--append-rounds':
        options.appendRounds = positiveInt(name, value());
        break;
      case '--replay-rounds':
        options.replayRounds = positiveInt(name, value());
        break;
      case '--no-diagnostics':
        options.diagnostics = false;
        break;
      case '--timeout':
        options.timeoutSeconds = positiveInt(name, value());
        break;
      case '--quick':
        options.events = 100_000;
        options.appends = 20_000;
        options.sequential = 1_000;
        options.appendRounds = 1;
        options.replayRounds = 1;
        break;
      default:
        throw new Error(`unknown option '${flag}'\n${usage}`);
    }
  }
  return options;
}
