// terrain demo: the README's main job on the bundled digits data, built from the jobs of the commands users run
// (train, curve, surface), each step printing what its command prints.
import { join } from 'node:path';
import type { Command } from 'commander';
import { makeOutput } from '../output.js';
import { intOption } from '../common.js';
import { VERSION } from '../version.js';
import { writeReport } from '../../web/report.js';
import { readResult } from '../../core/runs/results.js';
import { nearestZero, runLandscapeStep, sayLandscape } from './landscape.js';
import { stepFlags } from './step-flags.js';
import { registerTrain, runTrain, sayTrained, type TrainFlags } from './train.js';

interface DemoFlags {
  out: string;
  epochs: number;
  points: number;
  json?: boolean;
}

interface Row {
  name: string;
  direction: string;
  type: string;
  loss0: number;
  min: number;
  max: number;
}


function readCurve(dir: string): { type: string; lambdas: number[]; loss: number[]; direction: string } {
  const r = readResult(dir);
  if (r.kind !== 'curve') throw new Error(`${r.path}: expected the curve this demo step wrote, found a '${String(r.kind === 'unknown' ? r.recordedKind : r.kind)}' result`);
  // A missing point (null, files before the NaN encoding) reads as NaN, as the summary's min/max expect numbers.
  return { type: String(r.json['type']), direction: String(r.json['direction']), lambdas: r.lambdas, loss: r.loss.map((v) => v ?? NaN) };
}

export function registerDemo(program: Command): void {
  program.command('demo').description('train on the bundled digits data and map its landscape (curves of every kind, a surface, figures)')
    .option('--out <dir>', 'output directory', 'runs/demo')
    .option('--epochs <n>', 'training epochs per model', intOption('--epochs', 1), 20)
    .option('--points <n>', 'points per curve', intOption('--points', 3), 51)
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (flags: DemoFlags) => {
      const out = makeOutput(!!flags.json);
      const o = flags.out;
      // Each step prints what its command prints; with --json only the demo's summary goes to stdout.
      const train = async (seed: number): Promise<void> => {
        const tf = stepFlags<TrainFlags>(registerTrain, 'train', { model: 'mlp', data: 'digits', epochs: flags.epochs, seed, saveEvery: 1, out: join(o, `train-seed${seed}`) });
        sayTrained(out, tf, await runTrain(tf, out));
      };
      out.say(`== training two MLPs on digits (seeds 0 and 1) → ${o}`);
      await train(0);
      await train(1);
      const final = join(o, 'train-seed0', 'final.safetensors');
      const range = `-1:1:${flags.points}`;
      const curve = async (name: string, direction: string, r = range, model = final): Promise<Row> => {
        const dir = join(o, name);
        const { res, plots } = await runLandscapeStep('curve', { model, data: 'digits', specs: [direction], ranges: [r], out: dir });
        sayLandscape(out, res, plots);
        const c = readCurve(dir);
        const i0 = nearestZero(c.lambdas);
        return { name, direction: c.direction, type: c.type, loss0: c.loss[i0]!, min: Math.min(...c.loss), max: Math.max(...c.loss) };
      };
      const rows: Row[] = [];
      out.say('== Gaussian FilNorm directions, 10 seeds');
      for (let s = 0; s < 10; s++) rows.push(await curve(`gaussian-seed${s}`, `gaussian:norm=filter:seed=${s}`));
      out.say('== MLI: from the initial weights to the final ones');
      rows.push(await curve('mli', `to:${join(o, 'train-seed0', 'init.safetensors')}`, `-0.5:1.5:${flags.points}`));
      out.say('== two independently trained models (seed 0 → seed 1)');
      rows.push(await curve('two-models', `to:${join(o, 'train-seed1', 'final.safetensors')}`, `-0.5:1.5:${flags.points}`));
      out.say('== negative gradient at an early checkpoint (epoch 1)');
      try {
        rows.push(await curve('neg-gradient-epoch1', 'gradient', `-0.25:0.25:${flags.points}`, join(o, 'train-seed0', 'epoch-001.safetensors')));
      } catch (e) {
        out.say(`   skipped: ${(e as Error).message}`);
      }
      out.say('== a 2-D surface spanned by two Gaussian FilNorm directions');
      const surfaceDir = join(o, 'surface');
      const surface = await runLandscapeStep('surface', { model: final, data: 'digits', specs: ['gaussian:seed=100', 'gaussian:seed=101'], ranges: ['-1:1:21', '-1:1:21'], out: surfaceDir });
      sayLandscape(out, surface.res, surface.plots);

      const vBasins = rows.filter((r) => r.name.startsWith('gaussian') && r.type === 'v-basin').length;
      out.say('');
      out.say('curve                  type        L(θ)      min       max');
      for (const r of rows) out.say(`${r.name.padEnd(22)} ${r.type.padEnd(11)} ${r.loss0.toFixed(4).padStart(8)}  ${r.min.toFixed(4).padStart(8)}  ${r.max.toFixed(4).padStart(8)}`);
      out.say('');
      out.say(`Gaussian directions giving v-basin: ${vBasins}/10`);
      out.say(`results and figures under ${o}/ (each run directory holds run.json, result.json, and plots)`);
      const report = await writeReport([o], join(o, 'report.html'), { title: 'terrain demo: digits', version: VERSION });
      out.say(`report: ${report.path} (one HTML file, works offline; or browse live with \`terrain serve ${o}\`)`);
      out.result({ out: o, curves: rows, gaussianVBasins: vBasins, report: report.path });
    });
}
