// The direction kinds: one row per kind. Spec parsing and printing (spec.ts), resolution (resolve.ts) and help
// texts read this table only, so a new kind is its file in this folder plus its row here.
import { eigen } from './eigen.js';
import { file } from './file.js';
import { gaussian } from './gaussian.js';
import { gradient } from './gradient.js';
import type { DirectionKindDef } from './kind.js';
import { mined } from './mined.js';
import { pca } from './pca.js';
import { to } from './to.js';

/** In the order error messages and help list them. */
export const DIRECTION_KIND_TABLE = [gaussian, gradient, to, file, pca, eigen, mined] as const;

type SpecOf<D> = D extends DirectionKindDef<infer S> ? S : never;
/** A parsed direction spec: one member per row of the table. */
export type DirectionSpec = SpecOf<(typeof DIRECTION_KIND_TABLE)[number]>;
export type DirectionKind = DirectionSpec['kind'];

/** Kind names, in table order. */
export const DIRECTION_KINDS: readonly DirectionKind[] = DIRECTION_KIND_TABLE.map((d) => d.kind);

const BY_KIND = new Map<string, DirectionKindDef<DirectionSpec>>(DIRECTION_KIND_TABLE.map((d) => [d.kind, d as unknown as DirectionKindDef<DirectionSpec>]));

/** The row of a kind name, or undefined for a name that is not one. */
export function directionKind(kind: string): DirectionKindDef<DirectionSpec> | undefined {
  return BY_KIND.get(kind);
}

/** The syntax line of spec errors: each kind's part, in table order. */
export const DIRECTION_SYNTAX = DIRECTION_KIND_TABLE.map((d) => d.syntax).join(', ');

/** One line per kind, for a command's help (`--direction <spec>`). */
export function directionHelp(): string {
  return DIRECTION_KIND_TABLE.map((d) => d.help).join('; ');
}

export type { PcaInfo } from './pca.js';
export type { DirectionKindDef } from './kind.js';
