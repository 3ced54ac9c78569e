/**
 * `node --import tsx lab-down.ts NAME…`: removes labs through src/lab alone, so the helper's
 * exit hook works even while another command of the CLI does not load.
 */
import { labDown, labsRootIn } from '../../../src/lab/index.js';

// Spawned by lab.ts's exit hook with the test's environment: the same labs root as its labUp.
for (const name of process.argv.slice(2)) await labDown(name, labsRootIn(process.env));
