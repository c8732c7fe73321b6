// Imports point one way: shells (cli, web, distributed) → plot → core → engine → ir. Test and bench support
// (src/testing, src/bench, *.test.ts) may import every layer; no product file may import them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The compiled test runs from dist/; the layering is read from the TypeScript sources beside it.
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** Lower numbers sit lower. Shells of one rank may use each other only as named in SHELL_USES. */
const RANK: Record<string, number> = { ir: 0, engine: 1, core: 2, plot: 3, web: 4, distributed: 4, cli: 5, bench: 6, testing: 6 };
const SUPPORT = new Set(['bench', 'testing']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

function layerOf(file: string, root = SRC): string {
  return relative(root, file).split('/')[0]!;
}

/** Relative imports of a file (static, re-exports and dynamic), as absolute .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.[^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

function layeringViolations(root: string): string[] {
  const out: string[] = [];
  for (const file of sources(root)) {
    const layer = layerOf(file, root);
    if (file.endsWith('.test.ts') || SUPPORT.has(layer) || RANK[layer] === undefined) continue;
    for (const target of importsOf(file)) {
      const to = layerOf(target, root);
      if (RANK[to] === undefined) continue;
      const upward = RANK[to]! > RANK[layer]!;
      const sideways = RANK[to] === RANK[layer] && to !== layer;
      if (upward || sideways || SUPPORT.has(to) || target.endsWith('.test.ts')) out.push(`${relative(root, file)} imports ${relative(root, target)}`);
    }
  }
  return out;
}

test('imports point down the layers, and product code never imports test or bench support', () => {
  assert.ok(sources(SRC).length > 100, `sources read from ${SRC}`);
  assert.deepEqual(layeringViolations(SRC), []);
});

test('test and bench support lives in src/testing and src/bench only', () => {
  const misplaced = sources(SRC).filter((f) => !SUPPORT.has(layerOf(f)) && /(^|[-.])(fixtures?|testing)([-.]|$)/.test(f.split('/').pop()!));
  assert.deepEqual(misplaced.map((f) => relative(SRC, f)), []);
});

test('the check reports upward, sideways and support imports (it can fail)', () => {
  const root = mkdtempSync(join(tmpdir(), 'terrain-layers-'));
  try {
    const write = (path: string, text: string): void => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write('ir/graph.ts', "import { x } from '../core/params.js';\nexport const y = x;\n");
    write('core/params.ts', "export { Session } from '../engine/session.js';\nexport const x = 1;\n");
    write('engine/session.ts', "const t = await import('../testing/python.js');\nexport const Session = t;\n");
    write('web/server.ts', "import '../distributed/worker.js';\n");
    write('cli/main.ts', "import '../web/server.js';\nimport '../core/params.js';\n");
    write('testing/python.ts', "import '../cli/main.js';\n");
    assert.deepEqual(layeringViolations(root).sort(), [
      'engine/session.ts imports testing/python.ts',
      'ir/graph.ts imports core/params.ts',
      'web/server.ts imports distributed/worker.ts',
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
