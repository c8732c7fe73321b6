// A step's flags must be what the parser hands the command's action for the same arguments: reproduce and demo
// depend on it for the run identities of their steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { registerGmi } from './gmi.js';
import { registerMine } from './mine.js';
import { registerTrain } from './train.js';
import { stepFlags, toleranceFlags } from './step-flags.js';
import { parseTolerance } from '../../core/landscape/adaptive.js';

/** The flags the parser gives the command's action for `args` (the action is replaced, nothing runs). */
async function parsed(register: (p: Command) => void, name: string, args: string[]): Promise<Record<string, unknown>> {
  const program = new Command();
  register(program);
  let flags: Record<string, unknown> = {};
  program.commands.find((c) => c.name() === name)!.action((f: Record<string, unknown>) => { flags = { ...f }; });
  await program.parseAsync(['node', 'terrain', name, ...args]);
  return flags;
}

test('stepFlags equals the parsed command line: given values, the rest at the option table defaults', async () => {
  assert.deepEqual(
    stepFlags(registerTrain, 'train', { model: 'mlp', data: 'digits', epochs: 3, lr: 0.05, seed: 2, saveEvery: 1, out: '/tmp/x' }),
    await parsed(registerTrain, 'train', ['--model', 'mlp', '--data', 'digits', '--epochs', '3', '--lr', '0.05', '--seed', '2', '--save-every', '1', '--out', '/tmp/x']),
  );
  assert.deepEqual(
    stepFlags(registerGmi, 'gmi', { model: 'm.safetensors', data: 'digits', samples: 100, directions: 4, seed: 1000, range: '-1:1:11', traceSamples: 5, out: 'o' }),
    await parsed(registerGmi, 'gmi', ['--model', 'm.safetensors', '--data', 'digits', '--samples', '100', '--directions', '4', '--seed', '1000', '--range', '-1:1:11', '--trace-samples', '5', '--out', 'o']),
  );
  const tol = { tolerance: parseTolerance('2%', '--tolerance'), minSamples: 128, seed: 3 };
  assert.deepEqual(
    stepFlags(registerMine, 'mine', { model: 'm', data: 'digits', shape: 'w-peak', lambda0: 0.2, mineBatch: 32, inSample: 500, ...toleranceFlags(tol), out: 'o' }),
    await parsed(registerMine, 'mine', ['--model', 'm', '--data', 'digits', '--shape', 'w-peak', '--lambda0', '0.2', '--mine-batch', '32', '--in-sample', '500', '--tolerance', '2%', '--min-samples', '128', '--sample-seed', '3', '--out', 'o']),
  );
});

test('an undefined value keeps the default, as an option left off the command line', async () => {
  const f = stepFlags<{ weightDecay: number; samples?: number }>(registerTrain, 'train', { weightDecay: undefined, samples: undefined });
  assert.equal(f.weightDecay, 5e-4);
  assert.equal('samples' in f, false);
  assert.throws(() => stepFlags(registerTrain, 'nope', {}), /no command 'nope'/);
});
