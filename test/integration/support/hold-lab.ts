/**
 * `node --import tsx hold-lab.ts`: starts a 1+1 test lab, prints its name, and waits to be
 * killed. lab.test.ts kills it with SIGKILL to check that orphaned test labs are reaped.
 */
import { startLab } from './lab.js';

const lab = await startLab(undefined, { directors: 1, realservers: 1 });
process.stdout.write(lab.name + '\n');
setInterval(() => {}, 1 << 30);
