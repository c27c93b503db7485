import { parseOrThrow } from '../message.js';
import { RegisterNode } from './node.commands.js';

describe('RegisterNode', () => {
  const facts = { commandId: 'cmd-register-1', nodeId: 'n1', hostname: 'h1', capacity: { cpu: 1000, memory: 1024 }, runtimes: ['docker', 'lxd'] };

  it('defaults to every runtime answering', () => {
    expect(parseOrThrow(RegisterNode.schema, facts, 'register').unavailableRuntimes).toEqual([]);
  });

  it('refuses an unavailable runtime the node does not offer, naming it', () => {
    const command = { ...facts, runtimes: ['docker'], unavailableRuntimes: [{ runtime: 'lxd', reason: 'down' }] };
    expect(() => parseOrThrow(RegisterNode.schema, command, 'register')).toThrow('unavailableRuntimes[0].runtime: lxd is not one of the node\'s runtimes (docker)');
  });
});
