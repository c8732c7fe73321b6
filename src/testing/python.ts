// The one owner of the Python interpreter that cross-checks and baselines run (PyTorch, NumPy references), and of the
// one line that says why a cross-check is skipped. Test and bench support only: no product code imports it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Debian's interpreter: python3-torch installs there, and a plain `python3` on PATH may be another one. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/** The repository root, found from this file's place in dist/testing or src/testing (not the working directory). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** test/python, where the reference scripts live. */
export const PYTHON_DIR = join(REPO_ROOT, 'test', 'python');

/** Whether `python` can find every module, without importing them (importing torch costs seconds). */
function finds(python: string, modules: readonly string[]): boolean {
  const code = `import importlib.util, sys; sys.exit(any(importlib.util.find_spec(m) is None for m in sys.argv[1:]))`;
  return spawnSync(python, ['-c', code, ...modules], { stdio: 'ignore', timeout: 30_000 }).status === 0;
}

/**
 * Chooses the interpreter: $TERRAIN_PYTHON when set, else /usr/bin/python3 when it has torch, else `python3` on PATH.
 * `env` and `probe` are parameters so the rule can be tested.
 */
export function choosePython(env: NodeJS.ProcessEnv = process.env, probe: (python: string) => boolean = (p) => finds(p, ['torch'])): string {
  const given = env['TERRAIN_PYTHON'];
  if (given !== undefined && given.trim() !== '') return given;
  return probe(DEBIAN_PYTHON) ? DEBIAN_PYTHON : 'python3';
}

let chosen: string | undefined;
/** The interpreter of every cross-check (chosen once per process). */
export function pythonPath(): string {
  chosen ??= choosePython();
  return chosen;
}

const found = new Map<string, boolean>();
/** Whether pythonPath() can import each of `modules` (numpy, torch, torchvision, …); cached per process. */
export function pythonHas(...modules: string[]): boolean {
  const key = modules.join(',');
  let ok = found.get(key);
  if (ok === undefined) {
    // Importing (not only finding) catches a torch that is installed but broken, e.g. a missing BLAS.
    ok = spawnSync(pythonPath(), ['-c', modules.map((m) => `import ${m}`).join('; ')], { stdio: 'ignore', timeout: 120_000 }).status === 0;
    found.set(key, ok);
  }
  return ok;
}

const said = new Set<string>();
/**
 * undefined when pythonPath() has every module; else why the cross-check is skipped (for t.skip), which is also written
 * to stderr once per process and module set, so a quiet skip is still seen.
 */
export function crossCheckSkip(...modules: string[]): string | undefined {
  if (pythonHas(...modules)) return undefined;
  const reason = `${pythonPath()} cannot import ${modules.join(', ')}: cross-check skipped (apt-get install ${modules.map((m) => `python3-${m}`).join(' ')}, or set TERRAIN_PYTHON to an interpreter that has them)`;
  if (!said.has(reason)) {
    said.add(reason);
    process.stderr.write(`terrain tests: ${reason}\n`);
  }
  return reason;
}
