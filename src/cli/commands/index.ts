import type { Command } from 'commander';
import type { CommandContext } from '../context.js';

/**
 * Each command file exports `register(program, ctx)`: ctx (context.ts) carries the Ctrl-C
 * signal, the environment and the streams; a command reads them there, not from globals.
 */
export type Register = (program: Command, ctx: CommandContext) => void;

/**
 * The commands in --help order, each loaded only when needed: `hafleet agent` on a director must
 * not load the deploy, drill and lab code (memory and start-up), and `hafleet plan` need not load
 * the agent. Only the bare `--help` (or an unknown command) loads them all.
 */
export const commandLoaders: Record<string, () => Promise<Register>> = {
  inventory: async () => (await import('./inventory.js')).register,
  lint: async () => (await import('./lint.js')).register,
  render: async () => (await import('./render.js')).register,
  plan: async () => (await import('./plan.js')).register,
  deploy: async () => (await import('./deploy.js')).register,
  verify: async () => (await import('./verify.js')).register,
  status: async () => (await import('./status.js')).register,
  drill: async () => (await import('./drill.js')).register,
  switchover: async () => (await import('./switchover.js')).register,
  maintenance: async () => (await import('./maintenance.js')).register,
  lab: async () => (await import('./lab.js')).register,
  agent: async () => (await import('./agent.js')).register,
  config: async () => (await import('./config.js')).register,
  import: async () => (await import('./import.js')).register,
};

/** The command named on the command line (the first word that is not an option), if any. */
export function commandNamed(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((a) => !a.startsWith('-'));
}

/** The registrations a command line needs: its own command only, or every one for general help. */
export async function commandsFor(argv: readonly string[]): Promise<Register[]> {
  const name = commandNamed(argv);
  const one = name !== undefined && name !== 'help' ? commandLoaders[name] : undefined;
  return one ? [await one()] : Promise.all(Object.values(commandLoaders).map((load) => load()));
}
