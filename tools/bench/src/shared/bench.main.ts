/** Exit code of a run with bad flags (EX_USAGE). */
export const badFlagsExit = 64;

/** A line on stderr, prefixed with the bench's tag (`[bench:apply] …`). */
export function benchLog(tag: string): (line: string) => void {
  return (line) => void process.stderr.write(`[${tag}] ${line}\n`);
}

/** An error's stack (or message) for a `failed:` line. */
export function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/**
 * Parses the command line with `parse`: the options, or the exit code to end with — 64 after
 * printing the error of bad flags on stderr, 0 after printing `usage` on stdout for `--help`.
 */
export function parseOrExit<O>(parse: (argv: readonly string[]) => O | 'help', usage: string, argv = process.argv.slice(2)): O | number {
  try {
    const parsed = parse(argv);
    if (parsed !== 'help') return parsed;
    process.stdout.write(`${usage}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return badFlagsExit;
  }
}

/** Prints the report, a blank line and, last, the results as one JSON line, on stdout. */
export function printResults(report: string, results: unknown): void {
  process.stdout.write(`${report}\n\n${JSON.stringify(results)}\n`);
}

/** One guarded run of a bench that owns processes, files or connections to clean up. */
export interface GuardedRun {
  /** Measures and prints; returns the exit code (0). */
  run(): Promise<number>;
  /** Stops what the run started, by PID, and removes what it wrote; called once, whatever happens. */
  cleanup(): Promise<void>;
  /** After a timeout or signal, once cleanup is done, before exiting. */
  afterAbort?(): Promise<void>;
  /** After a failure has been logged (cleanup may not have run yet). */
  onFailure?(): Promise<void>;
  /** Last, after cleanup, whatever happened (`failed`: the run threw and was not aborted). */
  finish?(failed: boolean): Promise<void>;
}

/**
 * Runs `open(cleanup)`'s run under a global timeout of `timeoutSeconds` (exit 2) and SIGINT (130)
 * and SIGTERM (143) handlers, each of which cleans up and exits. A failure is logged with its stack
 * and ends with 1. `cleanup`, passed to `open`, runs the run's cleanup at most once.
 */
export async function guardedRun(timeoutSeconds: number, log: (line: string) => void, open: (cleanup: () => Promise<void>) => GuardedRun): Promise<number> {
  let cleaning: Promise<void> | undefined;
  const cleanup = (): Promise<void> => (cleaning ??= guarded.cleanup());
  const guarded = open(cleanup);
  let aborted = false;
  const abort = (why: string, code: number): void => {
    aborted = true;
    log(`${why}: aborting and cleaning up`);
    void cleanup()
      .then(() => guarded.afterAbort?.())
      .finally(() => process.exit(code));
  };
  const timer = setTimeout(() => abort(`global timeout of ${timeoutSeconds} s reached`, 2), timeoutSeconds * 1000);
  process.once('SIGINT', () => abort('interrupted', 130));
  process.once('SIGTERM', () => abort('terminated', 143));
  let failed = false;
  try {
    return await guarded.run();
  } catch (error) {
    if (aborted) return 2;
    log(`failed: ${describeError(error)}`);
    failed = true;
    await guarded.onFailure?.();
    return 1;
  } finally {
    clearTimeout(timer);
    await cleanup();
    await guarded.finish?.(failed);
  }
}
