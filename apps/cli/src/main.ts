#!/usr/bin/env node
import { ContractViolation } from '@plato/contracts';
import { parseCliArgs, usage } from './cli.args.js';
import { formatError } from './cli.errors.js';
import { runCli } from './cli.run.js';

try {
  const exitCode = await runCli(parseCliArgs(process.argv.slice(2)));
  process.exit(exitCode);
} catch (error) {
  const { text, exitCode } = formatError(error);
  process.stderr.write(text);
  if (error instanceof ContractViolation && error.subject === 'command line') process.stderr.write(`\n${usage}`);
  process.exit(exitCode);
}
