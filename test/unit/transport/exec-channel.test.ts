import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { withoutMarker } from '../../../src/transport/exec-channel.js';

const strip = (s: string) => withoutMarker(Buffer.from(s, 'latin1')).toString('latin1');

describe('process-group marker on stderr', () => {
  it('is removed when it is the first line', () => {
    assert.equal(strip('hafleet-pgid 4242\nnginx: [emerg] bad\n'), 'nginx: [emerg] bad\n');
    assert.equal(strip('hafleet-pgid 4242\n'), '');
  });
  it('is removed after what a login shell printed first, keeping that', () => {
    assert.equal(strip('bashrc says hi\nhafleet-pgid 77\nreal error\n'), 'bashrc says hi\nreal error\n');
  });
  it('only the first marker goes: a command printing the same words keeps its line', () => {
    assert.equal(strip('hafleet-pgid 1\nhafleet-pgid 2\n'), 'hafleet-pgid 2\n');
  });
  it('leaves stderr without a marker alone', () => {
    assert.equal(strip('xhafleet-pgid 3\n'), 'xhafleet-pgid 3\n');
    assert.equal(strip(''), '');
  });
});
