/**
 * `node --import tsx lab-down.ts NAME…`: removes labs through src/lab alone, so the helper's
 * exit hook works even while another command of the CLI does not load.
 */
import { labDown } from '../../../src/lab/index.js';

for (const name of process.argv.slice(2)) await labDown(name);
