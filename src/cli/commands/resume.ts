// terrain resume DIR: re-runs the command recorded in DIR/run.json; finished points are kept, the rest computed.
import type { Command } from 'commander';
import { RunDir } from '../../core/runs/run-dir.js';
import { UsageError } from '../errors.js';

export function registerResume(program: Command): void {
  program.command('resume').description('continue an interrupted run directory where it stopped')
    .argument('<dir>', 'a run directory (holds run.json)')
    .action(async (dir: string) => {
      const { config } = await RunDir.load(dir);
      const command = (config.info as { command?: unknown }).command;
      if (!Array.isArray(command) || command[0] !== 'terrain' || typeof command[1] !== 'string') {
        throw new UsageError(`${dir}/run.json: info.command is missing or not a terrain command line; rerun the original command instead`);
      }
      const cwd = (config.info as { cwd?: unknown }).cwd;
      if (typeof cwd === 'string') process.chdir(cwd);
      const { buildProgram } = await import('../main-program.js');
      await buildProgram().parseAsync(['node', 'terrain', ...(command.slice(1) as string[])]);
    });
}
