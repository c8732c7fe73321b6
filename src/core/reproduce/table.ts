// The reproduction table as markdown: one row per claim and setting, cells escaped for pipes and newlines.
import type { ClaimRow } from './claims.js';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function claimsMarkdown(rows: readonly ClaimRow[]): string {
  const head = '| claim | setting | measured | uncertainty | verdict |\n|---|---|---|---|---|\n';
  return head + rows.map((r) => `| ${cell(r.claim)} | ${cell(r.setting)} | ${cell(r.measured)} | ${cell(r.uncertainty)} | **${r.verdict}** |`).join('\n') + '\n';
}

/** The decision rule of each claim, once per claim. */
export function rulesMarkdown(rows: readonly ClaimRow[]): string {
  const seen = new Map<string, string>();
  for (const r of rows) if (r.rule !== '—' && !seen.has(r.claim)) seen.set(r.claim, r.rule);
  return [...seen].map(([claim, rule]) => `- *${claim}*: ${rule}.`).join('\n') + '\n';
}
