import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { commandLoaders, commandNamed, commandsFor } from '../../../src/cli/commands/index.js';

const argv = (...words: string[]) => ['node', 'hafleet', ...words];

describe('commands are loaded only when the command line needs them', () => {
  it('finds the command after global options', () => {
    assert.equal(commandNamed(argv('--debug', 'plan', '-i', 'inv')), 'plan');
    assert.equal(commandNamed(argv('--help')), undefined);
  });
  it('loads one command for `hafleet agent …`, every command for bare help or an unknown word', async () => {
    assert.equal((await commandsFor(argv('agent', '-t', '-f', 'x.conf'))).length, 1);
    const all = Object.keys(commandLoaders).length;
    assert.equal((await commandsFor(argv('--help'))).length, all);
    assert.equal((await commandsFor(argv('help', 'plan'))).length, all);
    assert.equal((await commandsFor(argv('plna'))).length, all, 'commander can then suggest "plan"');
  });
});
