import type { Command } from 'commander';
import { register as inventory } from './inventory.js';
import { register as lint } from './lint.js';
import { register as render } from './render.js';
import { register as plan } from './plan.js';
import { register as deploy } from './deploy.js';
import { register as verify } from './verify.js';
import { register as drill } from './drill.js';
import { register as lab } from './lab.js';
import { register as agent } from './agent.js';

/** Each command file exports `register(program)`; listed here in --help order. */
export type Register = (program: Command) => void;

export const commands: Register[] = [inventory, lint, render, plan, deploy, verify, drill, lab, agent];
