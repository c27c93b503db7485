import { mockNode } from '../testing/scheduling.factories.js';
import { parseConstraint } from './constraint.parser.js';
import {
  constraintsMet,
  enoughCpu,
  enoughMemory,
  feasible,
  firstFailure,
  nodeReady,
  notCordoned,
  runtimeOffered,
  type Ask,
  type Candidate,
} from './feasibility.checkers.js';

const ask: Ask = { runtime: 'docker', resources: { cpu: 500, memory: 256 }, constraints: [parseConstraint('rack=b'), parseConstraint('ssd')] };

function candidate(node = mockNode({ labels: { rack: 'b', ssd: 'yes' } }), free: Partial<Pick<Candidate, 'freeCpu' | 'freeMemory'>> = {}): Candidate {
  return { node, freeCpu: node.capacity.cpu, freeMemory: node.capacity.memory, ...free };
}

describe('feasibility checkers', () => {
  it('pass on a ready, uncordoned node with the runtime, the labels and the room', () => {
    expect(firstFailure(candidate(), ask)).toBe(feasible);
  });

  it('nodeReady names the state of a node that is not ready', () => {
    expect(nodeReady(candidate(mockNode({ state: 'down' })), ask)).toBe('node down');
    expect(nodeReady(candidate(mockNode({ state: 'lost' })), ask)).toBe('node lost');
  });

  it('notCordoned fails a cordoned node', () => {
    expect(notCordoned(candidate(mockNode({ cordoned: true })), ask)).toBe('cordoned');
  });

  it('runtimeOffered names the runtime missing', () => {
    expect(runtimeOffered(candidate(mockNode({ runtimes: ['lxd'] })), ask)).toBe('runtime docker not offered');
    expect(runtimeOffered(candidate(mockNode({ runtimes: ['docker', 'lxd'], unavailableRuntimes: ['docker'] })), ask)).toBe('runtime docker unavailable');
    expect(runtimeOffered(candidate(mockNode({ runtimes: ['docker', 'lxd'], unavailableRuntimes: ['lxd'] })), ask)).toBe(feasible);
  });

  it('constraintsMet names the first constraint not met', () => {
    expect(constraintsMet(candidate(mockNode({ labels: { rack: 'a' } })), ask)).toBe('constraint rack=b not met');
    expect(constraintsMet(candidate(mockNode({ labels: { rack: 'b' } })), ask)).toBe('constraint ssd not met');
  });

  it('enoughCpu and enoughMemory compare the ask with what is still free, the exact fit included', () => {
    expect(enoughCpu(candidate(undefined, { freeCpu: 499 }), ask)).toBe('insufficient cpu');
    expect(enoughCpu(candidate(undefined, { freeCpu: 500 }), ask)).toBe(feasible);
    expect(enoughMemory(candidate(undefined, { freeMemory: 255 }), ask)).toBe('insufficient memory');
    expect(enoughMemory(candidate(undefined, { freeMemory: 256 }), ask)).toBe(feasible);
  });

  it('firstFailure reports the first failing check in order', () => {
    const node = mockNode({ state: 'down', cordoned: true, runtimes: [] });
    expect(firstFailure(candidate(node, { freeCpu: 0 }), ask)).toBe('node down');
    expect(firstFailure(candidate(mockNode({ cordoned: true, runtimes: [] })), ask)).toBe('cordoned');
  });
});
