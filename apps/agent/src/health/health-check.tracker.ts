import type { HealthCheckSpec, HealthStatus } from '@plato/contracts';

/** The outcome of one probe: it passed, or it failed and why. */
export type ProbeResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** A change of verdict, to be reported once: `at` is the time of the probe that decided it. */
export interface HealthTransition {
  readonly status: HealthStatus;
  readonly reason?: string;
  readonly at: number;
}

/**
 * The verdict of one container's health check, from its probe results (Docker's and Kubernetes'
 * rules): a pass makes it healthy at once; `failures` failures in a row make it unhealthy; a
 * failure within `grace` of the container's start does not count (a pass does). Only a change of
 * verdict is returned, so each is reported once. Pure: time comes in with each result.
 */
export class HealthCheckTracker {
  private verdict: HealthStatus | undefined;
  private failuresInARow = 0;

  constructor(
    private readonly check: Pick<HealthCheckSpec, 'failures' | 'grace'>,
    private readonly startedAt: number,
  ) {}

  /** The verdict so far; undefined before the first. */
  get status(): HealthStatus | undefined {
    return this.verdict;
  }

  /** Takes the result of a probe that ended at `at`; returns the transition it causes, if any. */
  observe(result: ProbeResult, at: number): HealthTransition | undefined {
    if (result.ok) {
      this.failuresInARow = 0;
      if (this.verdict === 'healthy') return undefined;
      this.verdict = 'healthy';
      return { status: 'healthy', at };
    }
    if (at < this.startedAt + this.check.grace) return undefined;
    this.failuresInARow += 1;
    if (this.failuresInARow < this.check.failures || this.verdict === 'unhealthy') return undefined;
    this.verdict = 'unhealthy';
    const reason = this.failuresInARow === 1 ? result.reason : `${this.failuresInARow} checks failed in a row; last: ${result.reason}`;
    return { status: 'unhealthy', reason, at };
  }
}
