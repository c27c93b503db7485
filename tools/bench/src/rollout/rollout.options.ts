import { durationFlag, intFlag, parseFlags, setFlag, type Flags } from '../shared/bench.args.js';

/** Command-line options of the rollout benchmark. */
export interface RolloutOptions {
  /** Timed rollouts of Plato, each followed by one hand-made rollout with the docker CLI (the floor). */
  trials: number;
  /** Replicas of the deployment, and floor containers. */
  replicas: number;
  /** `update.max_parallel`, and the floor's batch size. */
  maxParallel: number;
  /** `update.min_healthy_time` in ms, and the floor's wait after each batch answers. */
  minHealthyMs: number;
  /** A rollout (Plato's or the floor's) not done after this many seconds is a miss. */
  trialTimeoutSeconds: number;
  /** The image every replica runs. */
  image: string;
  /** The whole run aborts (and cleans up) after this many seconds. */
  timeoutSeconds: number;
}

/** `update.healthy_deadline` of the bench's deployment, in ms; `--min-healthy` must stay below it. */
export const healthyDeadlineMs = 60_000;

/** `update.progress_deadline` of the bench's deployment, in ms. */
export const progressDeadlineMs = 120_000;

/** Five rollouts of 20 replicas, 5 at a time, as issue 5 asks; min_healthy_time 0 s. */
export const defaultRolloutOptions: RolloutOptions = {
  trials: 5,
  replicas: 20,
  maxParallel: 5,
  minHealthyMs: 0,
  trialTimeoutSeconds: 180,
  image: 'plato/busybox:latest',
  timeoutSeconds: 1800,
};

/** The usage text of `npm run bench:rollout -- --help`. */
export const rolloutUsage = `usage: npm run bench:rollout -- [options]
  --trials N          timed rollouts of Plato, each followed by the same rollout by hand with the docker CLI (default ${defaultRolloutOptions.trials})
  --replicas N        replicas of the deployment and floor containers (default ${defaultRolloutOptions.replicas})
  --max-parallel N    update.max_parallel, and the floor's batch size (default ${defaultRolloutOptions.maxParallel})
  --min-healthy D     update.min_healthy_time, and the floor's wait after each batch answers: 0s, 500ms, 10s (default 0s; below ${healthyDeadlineMs / 1000}s)
  --trial-timeout S   a rollout not done after S seconds is a miss (default ${defaultRolloutOptions.trialTimeoutSeconds})
  --timeout S         abort the whole run after S seconds (default ${defaultRolloutOptions.timeoutSeconds})
  --quick             a smoke run: 2 trials`;

const flags: Flags<RolloutOptions> = {
  '--trials': intFlag('trials'),
  '--replicas': intFlag('replicas'),
  '--max-parallel': intFlag('maxParallel'),
  '--min-healthy': durationFlag('minHealthyMs'),
  '--trial-timeout': intFlag('trialTimeoutSeconds'),
  '--timeout': intFlag('timeoutSeconds'),
  '--quick': setFlag({ trials: 2 }),
};

/** Parses `argv` (without node and the script). Throws on an unknown flag or a bad value. */
export function parseRolloutOptions(argv: readonly string[]): RolloutOptions | 'help' {
  const options = parseFlags(argv, defaultRolloutOptions, flags, rolloutUsage);
  if (options === 'help') return options;
  if (options.minHealthyMs >= healthyDeadlineMs) throw new Error(`--min-healthy must be below the healthy_deadline of ${healthyDeadlineMs / 1000}s, got ${options.minHealthyMs} ms`);
  if (options.maxParallel > options.replicas) throw new Error(`--max-parallel (${options.maxParallel}) must not exceed --replicas (${options.replicas})`);
  return options;
}
