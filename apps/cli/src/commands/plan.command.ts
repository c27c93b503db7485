import { ContractViolation, PlanDeployment, type DeploymentPlanPreview } from '@plato/contracts';
import { request } from '@plato/messaging';
import type { CliContext } from '../cli.context.js';
import { applyHint, formatPlanPreview } from '../plan.format.js';
import { readDeploymentSpecs } from '../spec-file.reader.js';

/**
 * `plato plan -f FILE [-o json]`: the dry run of `plato apply -f FILE`. Each spec of the file is
 * previewed by the state-server against the cluster as it is now (each on its own, not one after
 * another); nothing is written. Prints what would change and the `plato apply … --if-revision R`
 * line that applies it only if the deployment did not change since; `-o json` prints the previews.
 */
export async function planCommand(context: CliContext, args: string[]): Promise<void> {
  const { file } = context.options;
  if (!file || args.length > 0) throw new ContractViolation('plato plan', [{ path: '-f', message: 'usage: plato plan -f FILE [-o json]' }]);
  const specs = await readDeploymentSpecs(file);
  const nc = await context.connect();
  const previews: DeploymentPlanPreview[] = [];
  for (const spec of specs) previews.push(await request(nc, PlanDeployment, { spec }));
  if (context.options.output === 'json') {
    context.print(`${JSON.stringify(previews, null, 2)}\n`);
    return;
  }
  context.print(`${previews.map(formatPlanPreview).join('\n')}\n${applyHint(file, previews)}`);
}
