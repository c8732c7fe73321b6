#!/usr/bin/env node
// terrain: the command-line shell. Parses, prints, maps errors to exit codes; the science lives in core/.
import { CommanderError } from 'commander';
import { exitCodeFor, oneLine } from './errors.js';
import { installInterruptHandlers, interruptedBy, interruptExitCode, interruptLine } from './interrupt.js';
import { buildProgram } from './main-program.js';

async function main(): Promise<void> {
  installInterruptHandlers();
  const program = buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; every parse error is bad input
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    const sig = interruptedBy();
    if (sig) {
      // The job stopped because of the signal ("interrupted"): not an error of the input or of terrain.
      process.stderr.write(`${interruptLine(sig)}\n`);
      process.exitCode = interruptExitCode(sig);
      return;
    }
    const code = exitCodeFor(e);
    process.stderr.write(`terrain: ${oneLine(e)}\n`);
    if (code === 1 && process.env['TERRAIN_DEBUG']) process.stderr.write(`${(e as Error).stack}\n`);
    if (code === 1) process.stderr.write('terrain: this is an internal error; rerun with TERRAIN_DEBUG=1 for the stack trace\n');
    process.exitCode = code;
  }
}

await main();
