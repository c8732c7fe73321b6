// `npm run bench`: runs every suite once, prints the metric table and writes bench/results.json.
//   node dist/bench/run.js [--only a,b] [--quick] [--threads N] [--out PATH]
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatTable, machineInfo, metrics, torchVersion, writeResults } from './metrics.js';
import { REPO_ROOT } from './python.js';
import { pythonPath } from '../testing/python.js';
import { SUITES, type BenchContext } from './suites.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    only: { type: 'string' }, quick: { type: 'boolean', default: false },
    threads: { type: 'string' }, out: { type: 'string' },
  } });
  const names = values.only ? values.only.split(',') : SUITES.map((s) => s.name);
  const unknown = names.filter((n) => !SUITES.some((s) => s.name === n));
  if (unknown.length) throw new Error(`--only: unknown suite(s) ${unknown.join(', ')}; the suites are ${SUITES.map((s) => s.name).join(', ')}`);
  const threads = values.threads ? Number(values.threads) : cpus().length;
  const torch = torchVersion(pythonPath());
  if (!torch) throw new Error(`PyTorch baselines need python3-torch: ${pythonPath()} cannot import torch (apt-get install -y python3-torch libopenblas0-pthread)`);
  const machine = machineInfo(torch);
  const started = Date.now();
  const log = (line: string): void => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  if (machine.loadAtStart > 0.5) log(`load average ${machine.loadAtStart.toFixed(2)} on ${machine.cores} cores: other processes will make the numbers noisy`);
  const ctx: BenchContext = { threads, torch, quick: values.quick ?? false, log };

  for (const s of SUITES.filter((x) => names.includes(x.name))) {
    log(`suite ${s.name}`);
    await s.run(ctx);
  }

  const out = values.out ?? join(REPO_ROOT, 'bench', 'results.json');
  writeResults(out, machine, { threads, quick: ctx.quick, suites: names, seconds: (Date.now() - started) / 1000, loadAtEnd: loadavg()[0] });
  console.log(`terrain bench — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, onnxruntime-node ${machine.ort}, PyTorch ${torch}, ${threads} threads`);
  console.log(formatTable());
  for (const m of metrics()) if (m.note) console.log(`  ${m.name}: ${m.note}`);
  console.log(`wrote ${out} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
