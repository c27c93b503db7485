import { ContractViolation, ErrorCode, PlatoError } from '@plato/contracts';
import { RpcReply, errorBodyFromWire, toErrorBody } from './rpc.envelope.js';

describe('toErrorBody', () => {
  it('keeps a PlatoError code and details', () => {
    expect(toErrorBody(new PlatoError(ErrorCode.NotFound, 'gone', { name: 'web' }))).toEqual({
      code: 'NOT_FOUND',
      message: 'gone',
      details: { name: 'web' },
    });
    expect(toErrorBody(new ContractViolation('s', [{ path: 'a', message: 'bad' }]))).toMatchObject({
      code: 'CONTRACT_VIOLATION',
      details: { subject: 's', issues: [{ path: 'a', message: 'bad' }] },
    });
  });

  it('maps anything else to INTERNAL', () => {
    expect(toErrorBody(new TypeError('boom'))).toEqual({ code: 'INTERNAL', message: 'internal error: boom', details: {} });
  });
});

describe('errorBodyFromWire', () => {
  it('turns an unknown code into INTERNAL, keeping it', () => {
    expect(errorBodyFromWire({ code: 'TEAPOT', message: 'm', details: {} })).toEqual({ code: 'INTERNAL', message: 'm', details: { code: 'TEAPOT' } });
  });
});

describe('RpcReply', () => {
  it('accepts both envelope forms and nothing else', () => {
    expect(RpcReply.safeParse({ ok: true, value: 1 }).success).toBe(true);
    expect(RpcReply.safeParse({ ok: false, error: { code: 'NOT_FOUND', message: 'm', details: {} } }).success).toBe(true);
    expect(RpcReply.safeParse({ ok: false }).success).toBe(false);
    expect(RpcReply.safeParse({ value: 1 }).success).toBe(false);
  });
});
