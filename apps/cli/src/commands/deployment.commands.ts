import { ApplyDeployment, ContractViolation, DeleteDeployment, ErrorCode, GetDeployment, PlatoError, ScaleDeployment, type ReplyOf } from '@plato/contracts';
import type { NatsConnection } from '@nats-io/transport-node';
import { request } from '@plato/messaging';
import { integerOption } from '../cli.args.js';
import type { CliContext } from '../cli.context.js';
import { readDeploymentSpecs } from '../spec-file.reader.js';
import { waitForDeployment } from './wait.watcher.js';

type Accepted = ReplyOf<typeof ApplyDeployment>;

/**
 * `plato apply -f FILE [--if-revision R]`: checks every spec in the file first, then applies them
 * in order. Each apply is conditional on the deployment's revision as this command read it, or on
 * `--if-revision` (the revision `plato plan` showed), so two people applying different versions at
 * once cannot overwrite each other, and a planned change lands only on the state it was planned
 * on: otherwise WRONG_EXPECTED_REVISION (exit 4) naming both revisions, and nothing is written.
 */
export async function applyCommand(context: CliContext, args: string[]): Promise<void> {
  const { file } = context.options;
  if (!file || args.length > 0) throw new ContractViolation('plato apply', [{ path: '-f', message: 'usage: plato apply -f FILE [--if-revision R]' }]);
  const specs = await readDeploymentSpecs(file);
  const nc = await context.connect();
  const replies: Accepted[] = [];
  for (const spec of specs) {
    const ifRevision = context.options.ifRevision ?? (await currentRevision(nc, spec.namespace, spec.name));
    const reply = await request(nc, ApplyDeployment, { commandId: context.commandId(), spec, ifRevision });
    replies.push(reply);
    if (context.options.output === 'table') context.print(`deployment ${spec.namespace}/${spec.name}: ${describe(reply)}\n`);
  }
  if (context.options.output === 'json') context.print(`${JSON.stringify(replies, null, 2)}\n`);
  if (context.options.wait) {
    for (const spec of specs) await waitForDeployment(context, spec.namespace, spec.name, 'converged', context.options.timeoutSeconds * 1000);
  }
}

/** `plato scale NAME REPLICAS [-n NS] [--if-revision R]`. */
export async function scaleCommand(context: CliContext, args: string[]): Promise<void> {
  const [name, count, ...rest] = args;
  const issues: { path: string; message: string }[] = [];
  if (!name || count === undefined || rest.length > 0) issues.push({ path: '', message: 'usage: plato scale NAME REPLICAS [-n NAMESPACE]' });
  const replicas = integerOption('REPLICAS', count, 0, 10_000, issues);
  if (issues.length > 0 || replicas === undefined || !name) throw new ContractViolation('plato scale', issues);
  const namespace = context.options.namespace ?? 'default';
  const reply = await request(await context.connect(), ScaleDeployment, {
    commandId: context.commandId(),
    namespace,
    name,
    replicas,
    ...(context.options.ifRevision !== undefined && { ifRevision: context.options.ifRevision }),
  });
  print(context, `deployment ${namespace}/${name}`, reply);
  if (context.options.wait) await waitForDeployment(context, namespace, name, 'converged', context.options.timeoutSeconds * 1000);
}

/** `plato delete NAME [-n NS] [--if-revision R]`. */
export async function deleteCommand(context: CliContext, args: string[]): Promise<void> {
  const [name, ...rest] = args;
  if (!name || rest.length > 0) throw new ContractViolation('plato delete', [{ path: '', message: 'usage: plato delete NAME [-n NAMESPACE]' }]);
  const namespace = context.options.namespace ?? 'default';
  const reply = await request(await context.connect(), DeleteDeployment, {
    commandId: context.commandId(),
    namespace,
    name,
    ...(context.options.ifRevision !== undefined && { ifRevision: context.options.ifRevision }),
  });
  print(context, `deployment ${namespace}/${name}`, reply);
  if (context.options.wait) await waitForDeployment(context, namespace, name, 'gone', context.options.timeoutSeconds * 1000);
}

function print(context: CliContext, what: string, reply: Accepted): void {
  context.print(context.options.output === 'json' ? `${JSON.stringify(reply, null, 2)}\n` : `${what}: ${describe(reply)}\n`);
}

function describe(reply: Accepted): string {
  if (reply.events.length === 0) return `unchanged (revision ${reply.revision})`;
  return reply.events.map((event) => `${event.type} at position ${event.position}`).join(', ');
}

/** The deployment's revision as the projection shows it, 0 when it never existed. */
async function currentRevision(nc: NatsConnection, namespace: string, name: string): Promise<number> {
  try {
    return (await request(nc, GetDeployment, { namespace, name })).revision;
  } catch (error) {
    if (error instanceof PlatoError && error.code === ErrorCode.NotFound) return 0;
    throw error;
  }
}
