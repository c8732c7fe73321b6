// Core, engine and ir name options, never CLI flags: a message mentions option('loss', 'mse') and the shell prints it
// as `--loss mse` (src/ir/errors.ts, cli/errors.ts asFlag). This test reads every string and template literal of
// those layers' product files and fails on one that holds a `--flag`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

// The compiled test runs from dist/; the literals are read from the TypeScript sources beside it.
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
const LAYERS = ['core', 'engine', 'ir'];

/**
 * Literals that may still hold a flag, each a file and a piece of the literal, with why: none. An entry that matches
 * no literal fails too, so that the list can only shrink if one is ever added.
 */
const ALLOWED: readonly { file: string; literal: string }[] = [];

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

test('core, engine and ir product files hold no --flag in a string (allow-list: literals kept for a stated reason)', () => {
  const problems: string[] = [];
  const used = new Set<(typeof ALLOWED)[number]>();
  for (const layer of LAYERS) {
    for (const file of sources(join(SRC, layer))) {
      const name = relative(SRC, file).split(sep).join('/');
      const hits = flagLiterals(readFileSync(file, 'utf8'), file).filter((h) => {
        const a = ALLOWED.find((x) => x.file === name && h.includes(x.literal));
        if (a) used.add(a);
        return !a;
      });
      if (hits.length) problems.push(`${name}: ${hits.map((h) => JSON.stringify(h.slice(0, 80))).join(', ')}; name the option (ir/errors.ts option/worded) and let the shell print the flag`);
    }
  }
  for (const a of ALLOWED) if (!used.has(a)) problems.push(`${a.file}: no literal holds '${a.literal}' any more; take it off the allow-list`);
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
