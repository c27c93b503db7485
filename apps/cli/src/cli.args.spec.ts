import { ContractViolation } from '@plato/contracts';
import { parseCliArgs } from './cli.args.js';

describe('parseCliArgs', () => {
  it('splits the command, its arguments and the options', () => {
    expect(parseCliArgs(['history', 'deployment', 'web', '-n', 'shop', '-o', 'json'])).toEqual({
      command: 'history',
      args: ['deployment', 'web'],
      options: { namespace: 'shop', output: 'json', help: false },
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

  it('rejects unknown options', () => {
    expect(() => parseCliArgs(['get', '--bogus'])).toThrow(ContractViolation);
  });
});
