/**
 * A parsed node-label constraint. `text` is its canonical form (single spaces, no spaces inside
 * the value list), the form reason texts use, so `rack = b` and `rack=b` count as one check.
 *
 * As Kubernetes' label selectors: `key!=value` and `key notin (…)` hold on a node without the
 * label; `key=value` and `key in (…)` need it.
 */
export type Constraint =
  | { readonly op: 'eq' | 'ne'; readonly key: string; readonly value: string; readonly text: string }
  | { readonly op: 'in' | 'notin'; readonly key: string; readonly values: ReadonlySet<string>; readonly text: string }
  | { readonly op: 'exists' | 'absent'; readonly key: string; readonly text: string }
  | { readonly op: 'invalid'; readonly text: string };

const token = '[A-Za-z0-9_./-]+';
const setPattern = new RegExp(`^(${token})\\s+(in|notin)\\s+\\(\\s*(${token}(?:\\s*,\\s*${token})*)\\s*\\)$`);
const comparePattern = new RegExp(`^(${token})\\s*(!=|=)\\s*(${token})$`);
const presencePattern = new RegExp(`^(!?)(${token})$`);

/**
 * Parses one constraint expression (`key=value`, `key!=value`, `key in (a,b)`,
 * `key notin (a,b)`, `key`, `!key`). Never throws: an expression outside that grammar (the
 * contract rejects those before they reach the log) parses as `invalid`, which no node meets.
 */
export function parseConstraint(expression: string): Constraint {
  const text = expression.trim();
  const set = setPattern.exec(text);
  if (set) {
    const [, key = '', op, list = ''] = set;
    const values = list.split(',').map((value) => value.trim());
    return { op: op === 'in' ? 'in' : 'notin', key, values: new Set(values), text: `${key} ${op} (${values.join(',')})` };
  }
  const compare = comparePattern.exec(text);
  if (compare) {
    const [, key = '', op, value = ''] = compare;
    return { op: op === '=' ? 'eq' : 'ne', key, value, text: `${key}${op}${value}` };
  }
  const presence = presencePattern.exec(text);
  if (presence) {
    const [, not, key = ''] = presence;
    return not ? { op: 'absent', key, text: `!${key}` } : { op: 'exists', key, text: key };
  }
  return { op: 'invalid', text };
}

/** Whether a node with `labels` meets `constraint`. */
export function constraintMet(constraint: Constraint, labels: Readonly<Record<string, string>>): boolean {
  if (constraint.op === 'invalid') return false;
  const value = Object.hasOwn(labels, constraint.key) ? labels[constraint.key] : undefined;
  switch (constraint.op) {
    case 'eq':
      return value === constraint.value;
    case 'ne':
      return value !== constraint.value;
    case 'in':
      return value !== undefined && constraint.values.has(value);
    case 'notin':
      return value === undefined || !constraint.values.has(value);
    case 'exists':
      return value !== undefined;
    case 'absent':
      return value === undefined;
  }
}
