// Core, engine and ir name options, never CLI flags: a message mentions option('loss', 'mse') and the shell prints it
// as `--loss mse` (src/ir/errors.ts, cli/errors.ts asFlag). This test reads every string and template literal of
// those layers' product files and fails on one that holds a `--flag`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

// The compiled test runs from dist/; the literals are read from the TypeScript sources beside it.
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
const LAYERS = ['core', 'engine', 'ir'];

/**
 * Folders and files that may still hold flag strings: each is open in another change (job assembly in core/jobs,
 * mining, reproduce, the adaptive run) and moves to option mentions when that change lands. An entry under which no
 * file holds a flag any more fails too, so that the list only shrinks.
 */
const ALLOWED = ['core/jobs/', 'core/mine/', 'core/reproduce/', 'core/landscape/adaptive-run.ts'];

const FLAG = /(^|[\s(`'"[,;:=])--[a-z][a-z0-9-]*/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** The text of every string and template literal piece of a TypeScript source that holds a flag. */
export function flagLiterals(text: string, name = 'x.ts'): string[] {
  const file = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) {
      if (FLAG.test(n.text)) out.push(n.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  return out;
}

test('core, engine and ir product files hold no --flag in a string (allow-list: files other changes have open)', () => {
  const found = new Map<string, string[]>();
  for (const layer of LAYERS) {
    for (const file of sources(join(SRC, layer))) {
      const hits = flagLiterals(readFileSync(file, 'utf8'), file);
      if (hits.length) found.set(relative(SRC, file), hits);
    }
  }
  const allowed = (file: string): string | undefined => ALLOWED.find((a) => file === a || (a.endsWith('/') && file.startsWith(a)));
  const problems: string[] = [];
  for (const [file, hits] of found) {
    if (!allowed(file)) problems.push(`${file}: ${hits.map((h) => JSON.stringify(h.slice(0, 80))).join(', ')}; name the option (ir/errors.ts option/worded) and let the shell print the flag`);
  }
  const used = new Set([...found.keys()].map(allowed));
  for (const a of ALLOWED) if (!used.has(a)) problems.push(`${a}: no flag string left; take it off the allow-list`);
  assert.deepEqual(problems, []);
});

test('the scan finds flags in strings and templates, not in comments or option mentions (it can fail)', () => {
  const text = [
    "// --loss in a comment",
    "/** `--bn perturb` in a doc comment */",
    "const a = 'use --loss mse';",
    "const b = `${x} --tolerance`;",
    "const c = `a ${x} b (--queue) ${y}`;",
    "const d = worded`use ${option('loss', 'mse')} or x--y or a -- b`;",
    "const e = \"--model\";",
  ].join('\n');
  assert.deepEqual(flagLiterals(text), ['use --loss mse', ' --tolerance', ' b (--queue) ', '--model']);
});
