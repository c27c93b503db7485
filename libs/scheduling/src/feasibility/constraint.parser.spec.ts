import { constraintMet, parseConstraint } from './constraint.parser.js';

describe('parseConstraint', () => {
  it.each([
    ['rack=b', 'rack=b'],
    ['rack = b', 'rack=b'],
    ['rack!=b', 'rack!=b'],
    ['zone in (a, b)', 'zone in (a,b)'],
    ['zone notin (a,b)', 'zone notin (a,b)'],
    ['gpu', 'gpu'],
    ['!gpu', '!gpu'],
    ['  ssd  ', 'ssd'],
  ])('parses %j into the canonical %j', (expression, text) => {
    const constraint = parseConstraint(expression);
    expect(constraint.op).not.toBe('invalid');
    expect(constraint.text).toBe(text);
  });

  it('parses an expression outside the grammar as invalid, which no node meets', () => {
    const constraint = parseConstraint('rack == b');
    expect(constraint).toEqual({ op: 'invalid', text: 'rack == b' });
    expect(constraintMet(constraint, { rack: 'b' })).toBe(false);
  });
});

describe('constraintMet', () => {
  const labels = { rack: 'b', zone: 'eu-1' };

  it.each([
    ['rack=b', true],
    ['rack=a', false],
    ['missing=a', false],
    ['rack!=a', true],
    ['rack!=b', false],
    ['missing!=a', true],
    ['zone in (eu-1,eu-2)', true],
    ['zone in (us-1)', false],
    ['missing in (a)', false],
    ['zone notin (us-1)', true],
    ['zone notin (eu-1)', false],
    ['missing notin (a)', true],
    ['rack', true],
    ['missing', false],
    ['!missing', true],
    ['!rack', false],
  ])('%s on {rack: b, zone: eu-1} is %s', (expression, met) => {
    expect(constraintMet(parseConstraint(expression), labels)).toBe(met);
  });

  it('does not read inherited properties as labels', () => {
    expect(constraintMet(parseConstraint('toString'), {})).toBe(false);
  });
});
