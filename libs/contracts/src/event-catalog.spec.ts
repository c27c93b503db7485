import { z } from 'zod';
import { ContractViolation } from './errors.js';
import { EventCatalog, platoEvents } from './event-catalog.js';
import { defineEvent } from './message.js';
import { Streams } from './subjects.js';

describe('EventCatalog', () => {
  const Pinged = defineEvent('Pinged', 3, z.strictObject({ at: z.string() }));
  const catalog = new EventCatalog([Pinged]);

  it('returns the parsed data and the version of a declared event', () => {
    expect(catalog.validate('Pinged', { at: 'now' })).toEqual({ version: 3, data: { at: 'now' } });
  });

  it('refuses an undeclared type and data that fails its schema, naming the field', () => {
    expect(() => catalog.validate('Ponged', {})).toThrow("unknown event type 'Ponged'");
    expect(() => catalog.validate('Pinged', { at: 1 })).toThrow(ContractViolation);
    expect(() => catalog.validate('Pinged', { at: 1 })).toThrow(/event Pinged: at: /);
  });

  it('refuses a type declared twice', () => {
    expect(() => new EventCatalog([Pinged, Pinged])).toThrow('declared twice');
  });

  it("holds every event of Plato's control plane", () => {
    expect(platoEvents.types()).toEqual(
      expect.arrayContaining(['DeploymentSpecApplied', 'DeploymentScaled', 'DeploymentDeleted', 'AllocationHealthy', 'AllocationUnhealthy']),
    );
  });
});

describe('Streams', () => {
  it('names aggregate streams and refuses tokens a subject cannot carry', () => {
    expect(Streams.deployment('default', 'web')).toBe('deployment.default.web');
    expect(Streams.allocation('node-1', 'a7')).toBe('alloc.node-1.a7');
    expect(() => Streams.node('a.b')).toThrow("invalid stream token 'a.b'");
    expect(() => Streams.node('*')).toThrow('invalid stream token');
  });
});
