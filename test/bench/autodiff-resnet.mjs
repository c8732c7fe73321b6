// Throughput of terrain's gradient graphs against PyTorch, as reported for src/ir (autodiff):
//   npx tsc -p . && node test/bench/autodiff-resnet.mjs [--arch resnet20] [--batch 128] [--threads 2] [--rounds 5]
// ORT configurations run interleaved (round-robin) so that load from other processes hits them alike; each line gives
// the best wall time and the best process CPU time of a run. PyTorch (/usr/bin/python3, torch.set_num_threads) runs
// after, in the same script, on the same random weights' architecture (test/python/zoo.py) and batch shape.
import { spawnSync } from 'node:child_process';
import { createRng } from '../../dist/core/rng.js';
import { Session } from '../../dist/engine/session.js';
import { float32, int64 } from '../../dist/ir/tensor.js';
import { buildGradientGraph, parametersAsInputs } from '../../dist/ir/training-graph.js';
import { buildModel } from '../../dist/ir/zoo/index.js';

const arg = (name, fallback) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : fallback; };
const arch = arg('arch', 'resnet20'), batch = Number(arg('batch', 128)), threads = Number(arg('threads', 2)), rounds = Number(arg('rounds', 5));
const spec = { arch, options: {}, inputShape: [3, 32, 32], classes: 10 };
const model = buildModel(spec, 1);
const rng = createRng(1);
const x = float32([batch, 3, 32, 32], Array.from({ length: batch * 3072 }, () => rng.normal()));
const labels = int64([batch], Array.from({ length: batch }, () => rng.int(10)));
const params = Object.fromEntries(model.params.map((p) => [p, model.graph.initializers.get(p)]));

const configs = [
  { name: 'ORT fwd (BN eval, weights baked in)', graph: model.graph, feeds: { input: x } },
  { name: 'ORT fwd (BN eval, weights as inputs)', graph: parametersAsInputs(model.graph, model.params), feeds: { input: x, ...params } },
  { name: 'ORT fwd+bwd (BN train, weights as inputs)', gg: { bn: 'train', weights: 'inputs' } },
  { name: 'ORT fwd+bwd (BN eval, weights as inputs)', gg: { bn: 'eval', weights: 'inputs' } },
  { name: 'ORT fwd+bwd (BN eval, weights baked in)', gg: { bn: 'eval', weights: 'initializers' } },
];
for (const c of configs) {
  if (c.gg) {
    const gg = buildGradientGraph(model, { loss: 'softmax-ce', ...c.gg });
    c.graph = gg.graph;
    c.feeds = c.gg.weights === 'inputs' ? { input: x, labels, ...params } : { input: x, labels };
    c.fetch = [gg.lossName, ...gg.gradOf.values()];
  }
  const t = performance.now();
  c.session = await Session.create(c.graph, { threads });
  c.create = performance.now() - t;
  await c.session.run(c.feeds, c.fetch);
  c.wall = []; c.cpu = [];
}
for (let r = 0; r < rounds; r++) {
  for (const c of configs) {
    const t = performance.now(), u = process.cpuUsage();
    await c.session.run(c.feeds, c.fetch);
    const used = process.cpuUsage(u);
    c.wall.push(performance.now() - t); c.cpu.push((used.user + used.system) / 1000);
  }
}
const line = (name, wall, cpu, extra = '') =>
  console.log(`${name.padEnd(44)} ${(batch / wall * 1000).toFixed(0).padStart(5)} img/s  (wall ${wall.toFixed(0)} ms, cpu ${cpu.toFixed(0)} ms per batch${extra})`);
console.log(`${arch}, batch ${batch}, ${threads} thread(s), best of ${rounds}`);
for (const c of configs) {
  line(c.name, Math.min(...c.wall), Math.min(...c.cpu), `, ${c.graph.nodes.length} nodes, session ${c.create.toFixed(0)} ms`);
  await c.session.dispose();
}
const py = `
import sys, time, torch
sys.path.insert(0, 'test/python')
import zoo
torch.set_num_threads(${threads})
m = zoo.build(${JSON.stringify(spec)})
x = torch.randn(${batch}, 3, 32, 32); y = torch.randint(0, 10, (${batch},))
def best(f):
    f(); w = []; c = []
    for _ in range(${rounds}):
        t, p = time.perf_counter(), time.process_time(); f(); w.append(time.perf_counter() - t); c.append(time.process_time() - p)
    return min(w) * 1000, min(c) * 1000
m.eval()
with torch.no_grad():
    f = best(lambda: m(x))
m.train()
def step():
    m.zero_grad(); torch.nn.functional.cross_entropy(m(x), y).backward()
b = best(step)
print(f"{f[0]} {f[1]} {b[0]} {b[1]} {torch.__version__}")
`;
const r = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' });
if (r.status !== 0) { console.log(`PyTorch: not measured (${r.stderr.trim().split('\n').pop()})`); process.exit(0); }
const [fw, fc, bw, bc, version] = r.stdout.trim().split(' ');
line(`PyTorch ${version} fwd (eval, no_grad)`, Number(fw), Number(fc));
line(`PyTorch ${version} fwd+bwd (BN train)`, Number(bw), Number(bc));
