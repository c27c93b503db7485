import { structuralEqual } from './structural-equal.js';

describe('structuralEqual', () => {
  it('ignores key order and undefined keys', () => {
    expect(structuralEqual({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1, d: undefined })).toBe(true);
  });

  it('tells different values, array orders and shapes apart', () => {
    expect(structuralEqual({ a: 1 }, { a: 2 })).toBe(false);
    expect(structuralEqual([1, 2], [2, 1])).toBe(false);
    expect(structuralEqual([], {})).toBe(false);
    expect(structuralEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(structuralEqual(null, {})).toBe(false);
  });
});
