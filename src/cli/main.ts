#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { CommandExit } from './command-error.js';
import { ExitCode } from './exit-codes.js';
import { commandsFor } from './commands/index.js';
import { processContext } from './context.js';
import { printable } from '../terminal/index.js';

const program = new Command();
program
  .name('hafleet')
  .description('Deploy and check nginx + keepalived high-availability fleets over SSH.')
  .version(process.env.npm_package_version ?? '0.1.0')
  .option('--debug', 'print stack traces of internal errors')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();


// `hafleet … | head`: the reader went away. Stop quietly, as other Unix tools do, instead of
// crashing on an unhandled EPIPE.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

async function main(): Promise<number> {
  const controller = new AbortController();
  let interrupted = 0;
  process.on('SIGINT', () => {
    interrupted++;
    if (interrupted > 1) process.exit(130);
    process.stderr.write('\ninterrupted: finishing the step under way and restoring; Ctrl-C again to quit at once\n');
    controller.abort(new Error('interrupted'));
  });
  const ctx = processContext(controller.signal);
  try {
    for (const register of await commandsFor(process.argv)) register(program, ctx);
    await program.parseAsync(process.argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommandExit) {
      if (e.message) process.stderr.write(printable(e.message) + '\n');
      return e.code;
    }
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return ExitCode.usage;
    }
    process.stderr.write('hafleet: internal error, please report it with the output of --debug\n');
    if (program.opts().debug) process.stderr.write(String((e as Error)?.stack ?? e) + '\n');
    else process.stderr.write(`  ${printable((e as Error)?.message ?? String(e))}\n`);
    return ExitCode.internal;
  }
}

main().then((code) => {
  process.exitCode = code;
  // Open ssh sockets or timers must not keep a finished command alive.
  setTimeout(() => process.exit(code), 50).unref();
});
