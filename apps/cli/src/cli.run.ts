import { ContractViolation } from '@plato/contracts';
import { usage, type CliArgs } from './cli.args.js';
import { createContext } from './cli.context.js';
import { describeAllocation } from './commands/allocation.commands.js';
import { applyCommand, deleteCommand, scaleCommand } from './commands/deployment.commands.js';
import { cordonCommand, describeDeployment, drainCommand, getNodes } from './commands/cluster.commands.js';
import { eventsCommand } from './commands/events.command.js';
import { planCommand } from './commands/plan.command.js';
import { rolloutCommand } from './commands/rollout.commands.js';
import { getCommand, historyCommand } from './commands/query.commands.js';
import { upCommand } from './commands/up.command.js';

/**
 * Runs one parsed `plato` command line and resolves with its exit status; errors are thrown for
 * the caller to print with `formatError`.
 */
export async function runCli({ command, args, options }: CliArgs, print?: (text: string) => void): Promise<number> {
  const context = createContext(options, print);
  try {
    if (options.help || command === undefined || command === 'help') {
      context.print(usage);
      return 0;
    }
    switch (command) {
      case 'up':
        return await upCommand(context, args);
      case 'apply':
        await applyCommand(context, args);
        return 0;
      case 'plan':
        await planCommand(context, args);
        return 0;
      case 'get':
        await getCommand(context, args);
        return 0;
      case 'history':
        await historyCommand(context, args);
        return 0;
      case 'scale':
        await scaleCommand(context, args);
        return 0;
      case 'delete':
        await deleteCommand(context, args);
        return 0;
      case 'describe':
        await describeCommand(context, args);
        return 0;
      case 'drain':
        await drainCommand(context, args[0]);
        return 0;
      case 'cordon':
      case 'uncordon':
        await cordonCommand(context, args[0], command === 'cordon');
        return 0;
      case 'rollout':
        await rolloutCommand(context, args);
        return 0;
      case 'promote':
        await rolloutCommand(context, ['promote', ...args]);
        return 0;
      case 'events':
        return await eventsCommand(context, args);
      default:
        throw new ContractViolation('command line', [{ path: '', message: `unknown command '${command}'` }]);
    }
  } finally {
    await context.close();
  }
}

async function describeCommand(context: ReturnType<typeof createContext>, args: string[]): Promise<void> {
  const [kind, id, ...rest] = args;
  if (!id || rest.length > 0 || !['deployment', 'deploy', 'node', 'alloc', 'allocation'].includes(kind ?? '')) {
    throw new ContractViolation('plato describe', [{ path: '', message: 'usage: plato describe deployment NAME [-n NS] | describe node ID | describe alloc ALLOC|NODE/ALLOC' }]);
  }
  if (kind === 'node') await getNodes(context, id);
  else if (kind === 'alloc' || kind === 'allocation') await describeAllocation(context, id);
  else await describeDeployment(context, id);
}
