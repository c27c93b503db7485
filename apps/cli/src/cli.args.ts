import { parseArgs } from 'node:util';
import { ContractViolation } from '@plato/contracts';

/** The options `plato` understands; each subcommand accepts a subset (see {@link usage}). */
export interface CliOptions {
  nats?: string;
  stateDir?: string;
  port?: number;
  file?: string;
  namespace?: string;
  output: 'table' | 'json';
  ifRevision?: number;
  help: boolean;
}

/** A parsed command line: the subcommand, its positional arguments, and the options. */
export interface CliArgs {
  command: string | undefined;
  args: string[];
  options: CliOptions;
}

/** The help text. */
export const usage = `Usage: plato <command> [options]

Commands:
  up [--state-dir DIR] [--port N]             start nats-server (JetStream, store in DIR/nats) and the state-server;
                                              Ctrl-C stops both. DIR defaults to ./.plato, N to 4222
  apply -f FILE                               apply the deployment spec(s) in FILE (YAML or JSON; '-' reads stdin)
  get deployments [NAME] [-n NS] [-o json]    list live deployments, or show one
  history deployment NAME [-n NS] [-o json]   the events of a deployment, with position and type
  scale NAME REPLICAS [-n NS] [--if-revision R]
  delete NAME [-n NS] [--if-revision R]

Options:
  --nats URL        NATS to talk to (default: $PLATO_NATS_URL, else the URL 'plato up' wrote in the
                    state dir, else nats://127.0.0.1:4222)
  --state-dir DIR   where 'plato up' keeps its state (default ./.plato)
  -n, --namespace   namespace (default 'default')
  -o, --output      'table' (default) or 'json'
  -h, --help        this text
`;

/**
 * Parses `plato`'s command line. Throws a ContractViolation naming each bad option, so a usage
 * error prints like any other.
 */
export function parseCliArgs(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        nats: { type: 'string' },
        'state-dir': { type: 'string' },
        port: { type: 'string' },
        file: { type: 'string', short: 'f' },
        namespace: { type: 'string', short: 'n' },
        output: { type: 'string', short: 'o' },
        'if-revision': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new ContractViolation('command line', [{ path: '', message: error instanceof Error ? error.message : String(error) }]);
  }
  const { values, positionals } = parsed;
  const issues: { path: string; message: string }[] = [];
  const output = values.output ?? 'table';
  if (output !== 'table' && output !== 'json') issues.push({ path: '--output', message: "must be 'table' or 'json'" });
  const port = integerOption('--port', values.port, 1, 65535, issues);
  const ifRevision = integerOption('--if-revision', values['if-revision'], 0, Number.MAX_SAFE_INTEGER, issues);
  if (issues.length > 0) throw new ContractViolation('command line', issues);
  const [command, ...args] = positionals;
  return {
    command,
    args,
    options: {
      ...(values.nats !== undefined && { nats: values.nats }),
      ...(values['state-dir'] !== undefined && { stateDir: values['state-dir'] }),
      ...(port !== undefined && { port }),
      ...(values.file !== undefined && { file: values.file }),
      ...(values.namespace !== undefined && { namespace: values.namespace }),
      ...(ifRevision !== undefined && { ifRevision }),
      output: output as 'table' | 'json',
      help: values.help ?? false,
    },
  };
}

/** Parses a whole number in [min, max], recording an issue for anything else. */
export function integerOption(
  name: string,
  value: string | undefined,
  min: number,
  max: number,
  issues: { path: string; message: string }[],
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    issues.push({ path: name, message: `must be a whole number from ${min} to ${max}, got '${value}'` });
    return undefined;
  }
  return number;
}
