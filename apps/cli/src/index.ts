export { parseCliArgs, usage, type CliArgs, type CliOptions } from './cli.args.js';
export { formatError, exitCodes } from './cli.errors.js';
export { runCli } from './cli.run.js';
