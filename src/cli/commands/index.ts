import type { Command } from 'commander';
import { registerLandscape } from './landscape.js';
import { registerTrain } from './train.js';

/** Every subcommand registers itself here. */
export function registerCommands(program: Command): void {
  registerTrain(program);
  registerLandscape(program);
}
