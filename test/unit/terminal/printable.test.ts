import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { printable } from '../../../src/terminal/index.js';

describe('printable: remote text cannot drive the terminal', () => {
  it('shows escape sequences, carriage returns and C1 controls as visible escapes', () => {
    assert.equal(printable('auth_pass x\u001b[2K\u001b[1A\rsafe'), 'auth_pass x\\x1b[2K\\x1b[1A\\x0dsafe');
    assert.equal(printable('title\u001b]0;pwned\u0007'), 'title\\x1b]0;pwned\\x07');
    assert.equal(printable('c1\u009b31m'), 'c1\\x9b31m');
    assert.equal(printable('nul\u0000del\u007f'), 'nul\\x00del\\x7f');
  });
  it('shows bidi overrides (Trojan Source) instead of reordering the line', () => {
    assert.equal(printable('a\u202eb\u2066c'), 'a\\u202eb\\u2066c');
  });
  it('hides nothing behind conceal (SGR 8) and keeps tabs, newlines and plain UTF-8', () => {
    assert.equal(printable('x\u001b[8mhidden'), 'x\\x1b[8mhidden');
    assert.equal(printable('é\tü\nline2'), 'é\tü\nline2');
  });
  it("keeps hafleet's own colours unless told not to", () => {
    const painted = '\u001b[31m- old\u001b[0m';
    assert.equal(printable(painted), painted);
    assert.equal(printable(painted, { keepOwnColour: false }), '\\x1b[31m- old\\x1b[0m');
  });
});
