import { renderTable } from './table.format.js';

describe('renderTable', () => {
  it('pads columns to their widest cell under upper-case headers', () => {
    const text = renderTable(
      [
        { name: 'web', replicas: 2 },
        { name: 'database', replicas: 10 },
      ],
      [
        { header: 'name', cell: (r) => r.name },
        { header: 'replicas', cell: (r) => r.replicas },
      ],
    );
    expect(text).toBe('NAME       REPLICAS\nweb        2\ndatabase   10\n');
  });
});
