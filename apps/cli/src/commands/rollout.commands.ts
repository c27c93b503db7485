import {
  ContractViolation,
  DescribeDeployment,
  ErrorCode,
  PauseRollout,
  PlatoError,
  PromoteRollout,
  ResumeRollout,
  UndoRollout,
  type DeploymentDescription,
  type ReplyOf,
  type RolloutView,
} from '@plato/contracts';
import { request } from '@plato/messaging';
import type { CliContext } from '../cli.context.js';
import { pollUntilDone, rolloutFailureOf } from './wait.watcher.js';

const usageText = 'usage: plato rollout status|pause|resume|promote|undo NAME [-n NS] [--wait] [--to-version N]';

/**
 * `plato rollout status|pause|resume|promote|undo NAME`: where the deployment's rollout stands, or
 * a change to it. `status --wait` follows it until it completes (exit 0) or fails (exit 4, naming
 * why and the version brought back); `undo [--to-version N]` brings back the newest stable version
 * before the current one, or N, as a new version.
 */
export async function rolloutCommand(context: CliContext, args: string[]): Promise<void> {
  const [action, name, ...rest] = args;
  if (!action || !name || rest.length > 0) throw new ContractViolation('plato rollout', [{ path: '', message: usageText }]);
  switch (action) {
    case 'status':
      return rolloutStatus(context, name);
    case 'pause':
    case 'resume':
    case 'promote':
    case 'undo':
      return changeRollout(context, action, name);
    default:
      throw new ContractViolation('plato rollout', [{ path: '', message: `unknown action '${action}'; ${usageText}` }]);
  }
}

async function changeRollout(context: CliContext, action: 'pause' | 'resume' | 'promote' | 'undo', name: string): Promise<void> {
  const namespace = context.options.namespace ?? 'default';
  const nc = await context.connect();
  const target = { commandId: context.commandId(), namespace, name };
  const { toVersion, ifRevision } = context.options;
  let reply: ReplyOf<typeof PauseRollout>;
  if (action === 'pause') reply = await request(nc, PauseRollout, target);
  else if (action === 'resume') reply = await request(nc, ResumeRollout, target);
  else if (action === 'promote') reply = await request(nc, PromoteRollout, target);
  else reply = await request(nc, UndoRollout, { ...target, ...(toVersion !== undefined ? { toVersion } : {}), ...(ifRevision !== undefined ? { ifRevision } : {}) });
  if (context.options.output === 'json') return context.print(`${JSON.stringify(reply, null, 2)}\n`);
  const events = reply.events.map((event) => `${event.type} at position ${event.position}`).join(', ');
  context.print(`deployment ${namespace}/${name}: ${events || `nothing to do (the rollout is already ${action === 'pause' ? 'paused' : action === 'resume' ? 'running' : 'promoted'})`}\n`);
  if (context.options.wait) await rolloutStatus(context, name);
}

async function rolloutStatus(context: CliContext, name: string): Promise<void> {
  const namespace = context.options.namespace ?? 'default';
  const nc = await context.connect();
  const describe = () => request(nc, DescribeDeployment, { namespace, name });
  if (!context.options.wait) {
    const reply = await describe();
    if (context.options.output === 'json') return context.print(`${JSON.stringify(reply.rollout ?? null, null, 2)}\n`);
    return context.print(`${renderRollout(reply)}\n`);
  }
  const timeoutSeconds = context.options.timeoutSeconds;
  let last: DeploymentDescription | undefined;
  let version: number | undefined;
  await pollUntilDone(
    context,
    async () => {
      const reply = await describe();
      last = reply;
      version ??= reply.rollout?.version ?? reply.deployment.version;
      const failed = rolloutFailureOf(reply, version);
      if (failed) throw failed;
      const rollout = reply.rollout;
      return { text: rolloutLine(reply), done: !rollout || rollout.status === 'completed', details: rollout };
    },
    timeoutSeconds * 1_000,
    (text, rollout) => new PlatoError(ErrorCode.Unavailable, `the rollout of ${namespace}/${name} did not complete within ${timeoutSeconds} s: ${text}`, { namespace, name, rollout }),
  );
  if (context.options.output === 'json') context.print(`${JSON.stringify(last?.rollout ?? null, null, 2)}\n`);
}

/** One line of a rollout's progress, as `--wait` prints it when it changes. */
export function rolloutLine(reply: DeploymentDescription): string {
  const { deployment: d, rollout } = reply;
  if (!rollout) return `${d.namespace}/${d.name}: version ${d.version} has no rollout (its spec has no update block)`;
  return `${d.namespace}/${d.name}: rollout of version ${rollout.version} ${rollout.status}: ${rollout.healthy}/${rollout.desired} healthy, ${rollout.placed} placed, ${rollout.old} old left`;
}

/** The human form of a deployment's rollout (`plato rollout status`). */
export function renderRollout(reply: DeploymentDescription): string {
  const { deployment: d, rollout } = reply;
  if (!rollout) return `deployment ${d.namespace}/${d.name}: version ${d.version} has no rollout (its spec has no update block: a new version replaces every replica at once)`;
  const lines = [
    `Deployment:  ${d.namespace}/${d.name}`,
    `Rollout:     ${rolloutSummary(rollout)}`,
    `Progress:    ${rollout.placed} of ${rollout.desired} replicas on version ${rollout.version}, ${rollout.healthy} healthy; ${rollout.old} of older versions left`,
  ];
  if (rollout.canary > 0) lines.push(`Canaries:    ${rollout.canary}${rollout.promoted ? ', promoted' : ', not promoted'}`);
  if (rollout.reason) lines.push(`Failed:      ${rollout.reason}${rollout.revertTo !== undefined ? `; version ${rollout.revertTo} comes back` : ''}`);
  if (rollout.afterFailureOf) lines.push(`Reverts:     version ${rollout.afterFailureOf.version}, whose rollout failed: ${rollout.afterFailureOf.reason}`);
  lines.push(`Waiting for: ${rollout.waiting}`);
  if (rollout.deadline) lines.push(`Deadline:    ${rollout.deadline}`);
  return lines.join('\n');
}

/** A rollout in a few words: its version, where it came from, its status and since when. */
export function rolloutSummary(rollout: RolloutView): string {
  const origin = rollout.revertOf !== undefined ? `, bringing back version ${rollout.revertOf}` : rollout.from !== undefined ? ` from version ${rollout.from}` : '';
  return `version ${rollout.version}${origin}: ${rollout.status} since ${rollout.since}`;
}
