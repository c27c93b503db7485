import { AllocationId } from '@plato/contracts';
import { allocationIdFactory } from './allocation-id.factory.js';

describe('allocationIdFactory', () => {
  it('names an allocation <deployment>-<index>-<hex>', () => {
    const newId = allocationIdFactory(new Set(), () => '0a1b2c3d');
    expect(newId('default/web', 2)).toBe('web-2-0a1b2c3d');
  });

  it('cuts a long deployment name so the slot and random part survive within 63 characters', () => {
    const name = 'a'.repeat(63);
    const id = allocationIdFactory(new Set(), () => 'ffffffff')(`default/${name}`, 1234);
    expect(id).toHaveLength(63);
    expect(id.endsWith('-1234-ffffffff')).toBe(true);
    expect(AllocationId.safeParse(id).success).toBe(true);
  });

  it('draws again when the id is taken', () => {
    const draws = ['00000001', '00000002'];
    const newId = allocationIdFactory(new Set(['web-0-00000001']), () => draws.shift()!);
    expect(newId('default/web', 0)).toBe('web-0-00000002');
  });
});
