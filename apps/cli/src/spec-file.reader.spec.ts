import { ContractViolation } from '@plato/contracts';
import { parseSpecText } from './spec-file.reader.js';

describe('parseSpecText', () => {
  it('reads YAML documents and JSON', () => {
    expect(parseSpecText('name: a\nimage: x\n---\nname: b\nimage: y\n', 'f.yaml')).toEqual([
      { name: 'a', image: 'x' },
      { name: 'b', image: 'y' },
    ]);
    expect(parseSpecText('{"name": "a", "image": "x"}', 'f.json')).toEqual([{ name: 'a', image: 'x' }]);
    expect(parseSpecText('- {name: a}\n- {name: b}\n', 'list.yaml')).toEqual([{ name: 'a' }, { name: 'b' }]);
  });

  it('names the file and line of a syntax error', () => {
    let error: unknown;
    try {
      parseSpecText('name: a\n  image: [x\n', 'broken.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContractViolation);
    expect((error as ContractViolation).subject).toBe('broken.yaml');
    expect((error as ContractViolation).issues[0]?.path).toMatch(/^line \d+$/);
  });

  it('rejects an empty file', () => {
    expect(() => parseSpecText('# nothing\n', 'empty.yaml')).toThrow(ContractViolation);
  });
});
