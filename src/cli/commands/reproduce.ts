// terrain reproduce: the paper's claims (arXiv 2405.12493) re-derived with the jobs of the commands users run — train,
// gmi, hessian --checkpoints, curve, explain, mine, surface (reproduce-steps.ts) — then one row per claim and setting in
// OUT/REPRODUCTION.md and OUT/claims.json, and an HTML report of every run. Finished steps (a result.json or final
// checkpoint present) are not redone.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  BUDGETS, budget as budgetOf, claimsMarkdown, rulesMarkdown, type Budget, type BudgetName, type ClaimRow,
} from '../../core/reproduce/index.js';
import { choiceOption } from '../common.js';
import { UsageError } from '../errors.js';
import { makeOutput } from '../output.js';
import { VERSION } from '../version.js';
import { formatTolerance } from '../../core/landscape/adaptive.js';
import { reportRuns } from './report.js';
import { Steps, type StepTime } from './reproduce-run.js';
import { runSetting } from './reproduce-steps.js';
import { addToleranceOptions, toleranceOptions, type ToleranceFlags } from './tolerance-options.js';

interface ReproduceFlags extends ToleranceFlags { out: string; quick?: boolean; budget?: BudgetName; settings?: string; report: boolean; json?: boolean }

function markdown(b: Budget, rows: readonly ClaimRow[], times: readonly StepTime[], wall: number, started: string, tolerance?: string): string {
  const settings = b.settings.map((s) => `- **${s.id}**: ${s.arch} on ${s.data}${s.trainSamples ? ` (${s.trainSamples} training samples)` : ''}, ${s.epochs} epochs, batch ${s.batch}, lr ${s.lr}, weight decay ${s.weightDecay ?? 5e-4} (SGD momentum 0.9, cosine)${s.mine ? `; mining λ₀ ${s.mine.lambda0['w-peak']} / ${s.mine.lambda0['vvv-basin']} (w-peak / vvv-basin), minibatch ${s.mine.batch}, lr ${s.mine.lr['w-peak']} / ${s.mine.lr['vvv-basin']}` : ''}; landscape on ${s.evalSamples ? `${s.evalSamples} training samples` : 'the whole training split'}`).join('\n');
  const bySetting = new Map<string, number>();
  for (const t of times) bySetting.set(t.setting, (bySetting.get(t.setting) ?? 0) + t.seconds);
  return `# terrain reproduce — budget ${b.name}\n\nterrain ${VERSION}, started ${started}, wall time ${(wall / 60).toFixed(1)} min.\n` +
    `Seeds ${b.seeds.join(', ')}; ${b.directions} Gaussian directions per model; ${b.points} points per curve; ${b.traceSamples} Hutchinson probes.${tolerance ? ` Curve types at --tolerance ${tolerance} (paired errors; an uncertain type counts against its claim).` : ''}\n\n${settings}\n\n` +
    `${claimsMarkdown(rows)}\n## How each verdict is decided\n\n${rulesMarkdown(rows)}\n## Step times\n\n| setting | step | seconds |\n|---|---|---|\n` +
    times.map((t) => `| ${t.setting} | ${t.step} | ${t.skipped ? 'done earlier' : t.seconds.toFixed(1)} |`).join('\n') +
    `\n\nPer setting: ${[...bySetting].map(([k, v]) => `${k} ${(v / 60).toFixed(1)} min`).join(', ')}.\n`;
}

export function registerReproduce(program: Command): void {
  const cmd = program.command('reproduce').description('re-derive the paper\'s claims (GMI, tr(H) > 0, MLI, w-basins, v-sides, mined shapes) with numbers: a markdown table, claims.json and an HTML report')
    .requiredOption('--out <dir>', 'output directory (finished steps in it are reused)')
    .option('--quick', 'the quick budget: digits MLP and CNN only (same as --budget quick)')
    .option('--budget <name>', 'tiny (smoke test, seconds) | quick (digits, ≤ 15 min on 2 cores) | full (adds Fashion-MNIST MLP and ResNet-20)', choiceOption('--budget', BUDGETS))
    .option('--settings <ids>', 'only these settings of the budget, comma-separated (e.g. digits-mlp,fmnist-mlp); finished steps of others are left alone')
    .option('--no-report', 'skip the HTML report')
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (flags: ReproduceFlags) => reproduce(flags));
  addToleranceOptions(cmd, 'the curves whose types are verdicts (gmi, gradient and two-solution curves, mining\'s judging curves; MLI curves stay exhaustive)');
}

/** The budget restricted to the settings named in --settings (all of them when absent). */
function selectSettings(b: Budget, ids: string | undefined): Budget {
  if (ids === undefined) return b;
  const wanted = ids.split(',').map((x) => x.trim()).filter((x) => x !== '');
  const known = b.settings.map((s) => s.id);
  const unknown = wanted.filter((id) => !known.includes(id));
  if (wanted.length === 0 || unknown.length > 0) {
    throw new UsageError(`--settings: ${unknown.length ? `'${unknown.join("', '")}' is not a setting of budget ${b.name}` : 'no setting named'}; choose from ${known.join(', ')}`);
  }
  return { ...b, settings: b.settings.filter((s) => wanted.includes(s.id)) };
}

async function reproduce(flags: ReproduceFlags): Promise<void> {
  const out = makeOutput(!!flags.json);
  const b = selectSettings(budgetOf(flags.budget ?? (flags.quick ? 'quick' : 'full')), flags.settings);
  const adaptive = toleranceOptions(flags);
  const tolerance = adaptive ? { tolerance: formatTolerance(adaptive.tolerance), minSamples: adaptive.minSamples, permutationSeed: adaptive.seed } : undefined;
  mkdirSync(flags.out, { recursive: true });
  const started = new Date().toISOString();
  const t0 = Date.now();
  const steps = new Steps(out);
  const rows: ClaimRow[] = [];
  out.say(`== terrain reproduce, budget ${b.name}: ${b.settings.map((s) => s.id).join(', ')}, seeds ${b.seeds.join(', ')} → ${flags.out}`);
  for (const s of b.settings) rows.push(...await runSetting({ s, b, dir: join(flags.out, s.id), steps, ...(adaptive ? { adaptive } : {}) }));
  const wall = (Date.now() - t0) / 1000;
  const md = markdown(b, rows, steps.times, wall, started, tolerance?.tolerance);
  writeFileSync(join(flags.out, 'REPRODUCTION.md'), md);
  writeFileSync(join(flags.out, 'claims.json'), JSON.stringify({ kind: 'reproduce', version: VERSION, budget: b, ...(tolerance ? { tolerance } : {}), started, wallSeconds: wall, rows, steps: steps.times }, null, 1) + '\n');
  let report: string | undefined;
  if (flags.report) {
    report = join(flags.out, 'report.html');
    await reportRuns([flags.out], report, `terrain reproduce (${b.name})`);
  }
  out.say('');
  out.say(claimsMarkdown(rows));
  const count = (v: string): number => rows.filter((r) => r.verdict === v).length;
  out.say(`${count('holds')} hold, ${count('fails')} fail, ${count('not measured')} not measured; wall time ${(wall / 60).toFixed(1)} min`);
  out.say(`table: ${join(flags.out, 'REPRODUCTION.md')}, numbers: ${join(flags.out, 'claims.json')}${report ? `, report: ${report}` : ''}`);
  out.result({ out: flags.out, budget: b.name, wallSeconds: wall, rows, report: report ?? null });
}
