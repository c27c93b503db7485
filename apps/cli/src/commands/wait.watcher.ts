import { DescribeDeployment, ErrorCode, PlatoError, type AllocationView, type DeploymentDescription } from '@plato/contracts';
import { setTimeout as delay } from 'node:timers/promises';
import { request } from '@plato/messaging';
import type { CliContext } from '../cli.context.js';

/**
 * What `--wait` waits for: every replica of the current version running (and, when the version
 * has a rollout, the rollout completed: every replica proven healthy), or nothing left running.
 */
export type WaitTarget = 'converged' | 'gone';

/** Counts of a deployment's allocations, as `--wait` reports progress. */
export interface Progress {
  desired: number;
  running: number;
  pending: number;
  /** Replicas of older versions still wanted running (a rollout has not replaced them yet). */
  old: number;
  /** Replicas stopped but whose containers have not ended yet. */
  stopping: number;
  failed: number;
  done: boolean;
  blocked?: string;
  /** The current version's rollout while it has not ended: its status and what it waits for. */
  rollout?: string;
}

/** Reads a description into progress counts and whether `target` is reached. Pure. */
export function progressOf(reply: DeploymentDescription, target: WaitTarget): Progress {
  const { deployment: d, allocations, placement } = reply;
  const isCurrent = currentVersionOf(reply);
  const current = allocations.filter((a) => a.desired === 'run' && isCurrent(a.version));
  const running = current.filter((a) => a.status === 'running').length;
  const pending = current.filter((a) => a.status === 'pending').length;
  const failed = current.filter((a) => a.status === 'failed').length;
  const old = allocations.filter((a) => a.desired === 'run' && !isCurrent(a.version) && holdsContainer(a)).length;
  const stopping = allocations.filter((a) => a.desired === 'stop' && holdsContainer(a)).length;
  const desired = d.deleted ? 0 : d.replicas;
  const rollout = reply.rollout?.version === d.version ? reply.rollout : undefined;
  const done =
    target === 'gone'
      ? allocations.every((a) => !holdsContainer(a))
      : running === desired && current.length === desired && old === 0 && stopping === 0 && (!rollout || rollout.status === 'completed');
  const rolling =
    rollout && rollout.status !== 'completed' && rollout.status !== 'failed'
      ? rollout.status === 'running'
        ? `rollout running: ${rollout.healthy}/${rollout.desired} healthy`
        : `rollout ${rollout.status}: ${rollout.waiting}`
      : undefined;
  return { desired, running, pending, old, stopping, failed, done, ...(placement.blocked ? { blocked: placement.summary } : {}), ...(rolling ? { rollout: rolling } : {}) };
}

/** Whether an allocation of `version` runs the deployment's current version (its own, or a compatible earlier one). */
export function currentVersionOf(reply: DeploymentDescription): (version: number) => boolean {
  const versions = new Set([reply.deployment.version, ...reply.compatible]);
  return (version) => versions.has(version);
}

/** The allocation may have a container: pending, running, or unknown while its runtime does not answer. */
function holdsContainer(a: AllocationView): boolean {
  return a.status === 'running' || a.status === 'pending' || a.status === 'unknown';
}

function line(name: string, p: Progress): string {
  const parts = [`${p.running}/${p.desired} running`];
  if (p.pending) parts.push(`${p.pending} pending`);
  if (p.old) parts.push(`${p.old} of older versions`);
  if (p.stopping) parts.push(`${p.stopping} stopping`);
  if (p.failed) parts.push(`${p.failed} failed`);
  if (p.blocked) parts.push(`cannot place: ${p.blocked}`);
  if (p.rollout) parts.push(p.rollout);
  return `${name}: ${parts.join(', ')}`;
}

/**
 * Polls a deployment's description until `target` is reached, printing a line each time the
 * counts change; throws UNAVAILABLE naming the last counts (and why replicas are pending) when
 * `timeoutMs` runs out, and the rollout's failure (CONFLICT) when the version it started waiting
 * on failed its rollout — reverted or not.
 */
export async function waitForDeployment(context: CliContext, namespace: string, name: string, target: WaitTarget, timeoutMs: number): Promise<void> {
  const nc = await context.connect();
  let version: number | undefined;
  await pollUntilDone(
    context,
    async () => {
      const reply = await request(nc, DescribeDeployment, { namespace, name });
      version ??= reply.deployment.version;
      const failed = target === 'converged' ? rolloutFailureOf(reply, version) : undefined;
      if (failed) throw failed;
      const progress = progressOf(reply, target);
      return { text: line(`${namespace}/${name}`, progress), done: progress.done, details: progress };
    },
    timeoutMs,
    (text, progress) =>
      new PlatoError(ErrorCode.Unavailable, `not ${target === 'gone' ? 'gone' : 'converged'} within ${timeoutMs / 1000} s: ${text}`, { namespace, name, progress }),
  );
}

/**
 * The error to end a wait with when the rollout of `version` failed: failed and not reverted, or
 * reverted (the deployment moved on to a version that brings back an earlier one). Code CONFLICT
 * (exit 4), naming the reason and the version that came back; undefined otherwise.
 */
export function rolloutFailureOf(reply: DeploymentDescription, version: number): PlatoError | undefined {
  const { deployment: d, rollout } = reply;
  if (!rollout) return undefined;
  const where = `${d.namespace}/${d.name}`;
  const details = { namespace: d.namespace, name: d.name, rollout };
  if (rollout.status === 'failed' && rollout.version === version) {
    const revert = rollout.revertTo !== undefined ? `; version ${rollout.revertTo} comes back` : '; nothing was reverted';
    return new PlatoError(ErrorCode.Conflict, `the rollout of version ${version} of ${where} failed: ${rollout.reason ?? 'no reason recorded'}${revert}`, details);
  }
  if (rollout.afterFailureOf && rollout.afterFailureOf.version === version && rollout.revertOf !== undefined) {
    return new PlatoError(
      ErrorCode.Conflict,
      `the rollout of version ${version} of ${where} failed: ${rollout.afterFailureOf.reason}; version ${rollout.version} brings back version ${rollout.revertOf}`,
      details,
    );
  }
  return undefined;
}

/** One look of {@link pollUntilDone}: the line to show, whether the wait is over, and what a timeout error carries. */
export interface PollLook<D> {
  readonly text: string;
  readonly done: boolean;
  readonly details: D;
}

/**
 * The CLI's `--wait`: calls `look` every 250 ms, prints its line (in table output) each time it
 * changes, and returns once it is done; throws `timedOut(lastLine, details)` when `timeoutMs`
 * runs out. A look the control plane does not answer (UNAVAILABLE: a state-server restarting) is
 * shown once and tried again until the deadline, when that error is thrown if nothing was seen.
 */
export async function pollUntilDone<D>(context: CliContext, look: () => Promise<PollLook<D>>, timeoutMs: number, timedOut: (text: string, details: D) => Error): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let seen: PollLook<D> | undefined;
  for (;;) {
    let text: string;
    try {
      seen = await look();
      text = seen.text;
    } catch (error) {
      if (!(error instanceof PlatoError) || error.code !== ErrorCode.Unavailable) throw error;
      if (Date.now() >= deadline) throw seen ? timedOut(seen.text, seen.details) : error;
      text = `waiting for the control plane: ${error.message}`;
      seen = seen && { ...seen, done: false };
    }
    if (text !== last && context.options.output === 'table') context.print(`${text}\n`);
    last = text;
    if (seen?.done) return;
    if (seen && Date.now() >= deadline) throw timedOut(seen.text, seen.details);
    await delay(250);
  }
}
