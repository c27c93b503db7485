import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { ContractViolation, ErrorCode, PlatoError } from '@plato/contracts';
import { toHttpError } from './http-error.mapper.js';

describe('toHttpError', () => {
  it.each([
    [ErrorCode.ContractViolation, 400],
    [ErrorCode.NotFound, 404],
    [ErrorCode.WrongExpectedRevision, 409],
    [ErrorCode.Conflict, 409],
    [ErrorCode.Unavailable, 503],
    [ErrorCode.Internal, 500],
  ])('maps %s to %i and keeps the details', (code, status) => {
    expect(toHttpError(new PlatoError(code, 'm', { stream: 's', expected: 3, actual: 5 }))).toEqual({
      status,
      body: { code, message: 'm', details: { stream: 's', expected: 3, actual: 5 } },
    });
  });

  it('names each field of a contract violation', () => {
    const { body } = toHttpError(new ContractViolation('deployment spec', [{ path: 'replicas', message: 'too small' }]));
    expect(body.details).toEqual({ subject: 'deployment spec', issues: [{ path: 'replicas', message: 'too small' }] });
  });

  it("turns Nest's and Express's HTTP errors into Plato's body", () => {
    expect(toHttpError(new BadRequestException('Unexpected end of JSON input'))).toEqual({
      status: 400,
      body: { code: 'CONTRACT_VIOLATION', message: 'invalid request: Unexpected end of JSON input', details: { subject: 'request', issues: [{ path: '', message: 'Unexpected end of JSON input' }] } },
    });
    expect(toHttpError(new NotFoundException('Cannot GET /x'))).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(toHttpError(new PayloadTooLargeException())).toMatchObject({ status: 413, body: { code: 'CONTRACT_VIOLATION' } });
  });

  it('hides the message of an unanticipated fault', () => {
    expect(toHttpError(new TypeError('secret path /etc/x'))).toEqual({ status: 500, body: { code: 'INTERNAL', message: 'internal error', details: {} } });
  });
});
