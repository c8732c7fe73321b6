// The commander program; main.ts runs it, `terrain resume` re-enters it.
import { Command } from 'commander';
import { VERSION } from './version.js';
import { registerCommands } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command('terrain')
    .description('Map, explain and mine the loss landscape of neural networks.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerCommands(program);
  for (const c of program.commands) c.exitOverride();
  return program;
}
