import { ContractViolation, ErrorCode, PlatoError } from '@plato/contracts';
import { formatError } from './cli.errors.js';

describe('formatError', () => {
  it('prints the code and every field issue', () => {
    const { text, exitCode } = formatError(
      new ContractViolation('hello.yaml', [
        { path: 'replicas', message: 'too small' },
        { path: 'image', message: 'must name an image' },
      ]),
    );
    expect(text).toBe('error CONTRACT_VIOLATION: invalid hello.yaml\n  - replicas: too small\n  - image: must name an image\n');
    expect(exitCode).toBe(2);
  });

  it('prints issues carried in the details of a revived error', () => {
    const revived = new PlatoError(ErrorCode.ContractViolation, 'x', { subject: 's', issues: [{ path: 'a', message: 'b' }] });
    expect(formatError(revived).text).toContain('  - a: b');
  });

  it('exits non-zero with a status per code', () => {
    expect(formatError(new PlatoError(ErrorCode.NotFound, 'gone')).exitCode).toBe(3);
    expect(formatError(new PlatoError(ErrorCode.WrongExpectedRevision, 'moved')).exitCode).toBe(4);
    expect(formatError(new PlatoError(ErrorCode.Unavailable, 'down')).exitCode).toBe(5);
    expect(formatError(new Error('oops'))).toEqual({ text: 'error INTERNAL: oops\n', exitCode: 1 });
  });

  it('says of a stale revision that nothing was written, naming both revisions', () => {
    const stale = new PlatoError(ErrorCode.WrongExpectedRevision, 'stream deployment.default.web: expected revision 12, actual 15', {
      stream: 'deployment.default.web',
      expected: 12,
      actual: 15,
    });
    expect(formatError(stale)).toEqual({
      text:
        'error WRONG_EXPECTED_REVISION: stream deployment.default.web: expected revision 12, actual 15\n' +
        '  it changed since revision 12 (now 15); nothing was written: look again (plato plan, plato history) and retry\n',
      exitCode: 4,
    });
  });
});
