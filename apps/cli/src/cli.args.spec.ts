import { ContractViolation } from '@plato/contracts';
import { parseCliArgs } from './cli.args.js';

describe('parseCliArgs', () => {
  it('splits the command, its arguments and the options', () => {
    expect(parseCliArgs(['history', 'deployment', 'web', '-n', 'shop', '-o', 'json'])).toEqual({
      command: 'history',
      args: ['deployment', 'web'],
      options: { namespace: 'shop', output: 'json', help: false, wait: false, timeoutSeconds: 60, follow: false, all: false },
    });
    expect(parseCliArgs(['up', '--state-dir', '/tmp/x', '--port', '4300']).options).toMatchObject({ stateDir: '/tmp/x', port: 4300, output: 'table' });
  });

  it('names every bad option', () => {
    let error: unknown;
    try {
      parseCliArgs(['up', '--port', '0', '-o', 'yaml', '--if-revision', 'x']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContractViolation);
    expect((error as ContractViolation).issues.map((issue) => issue.path)).toEqual(['--output', '--port', '--if-revision']);
  });

  it('reads the waiting and following options', () => {
    expect(parseCliArgs(['apply', '-f', 'x.yaml', '--wait', '--timeout', '30']).options).toMatchObject({ file: 'x.yaml', wait: true, timeoutSeconds: 30 });
    expect(parseCliArgs(['events', '--follow', '--since', '12', '--stream', 'deployment']).options).toMatchObject({ follow: true, since: 12, stream: 'deployment' });
    expect(parseCliArgs(['get', 'allocs', '--node', 'n1', '--all']).options).toMatchObject({ node: 'n1', all: true });
  });

  it('rejects unknown options', () => {
    expect(() => parseCliArgs(['get', '--bogus'])).toThrow(ContractViolation);
  });
});
