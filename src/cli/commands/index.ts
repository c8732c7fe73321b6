import type { Command } from 'commander';
import { registerLandscape } from './landscape.js';

/** Every subcommand registers itself here. */
export function registerCommands(program: Command): void {
  registerLandscape(program);
}
