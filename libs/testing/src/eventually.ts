/** Options of {@link eventually}. */
export interface EventuallyOptions {
  /** Give up after this many milliseconds (default 10 000). */
  timeoutMs?: number;
  /** Wait this long between attempts (default 25). */
  intervalMs?: number;
  /** Named in the error when the condition never holds. */
  description?: string;
}

/**
 * Polls `probe` until it returns without throwing (and, if it returns a boolean, returns true),
 * then resolves with its value. Tests wait with this instead of fixed sleeps. On timeout it
 * throws the last error seen, prefixed with the description, so a failing test says what it
 * waited for.
 */
export async function eventually<T>(probe: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = new Error('condition returned false');
  for (;;) {
    try {
      const value = await probe();
      if (value !== false) return value;
      lastError = new Error('condition returned false');
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(`eventually: ${options.description ?? 'condition'} did not hold within ${timeoutMs} ms: ${reason}`, {
        cause: lastError,
      });
    }
    await delay(intervalMs);
  }
}

/** Resolves after `ms` milliseconds. For polling intervals and backoff, never as a test's wait. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
