// to:CKPT: from θ to a checkpoint (θ_CKPT − θ), used as it is; with type=states also its BN running statistics.
import { sub } from '../../params.js';
import { COMMON_OPTIONS, type Scaling } from '../scaling.js';
import { buffersVector, StatesDirectionError } from '../states.js';
import { defineKind } from './kind.js';

export type ToSpec = { kind: 'to'; path: string } & Scaling;

export const to = defineKind<ToSpec>({
  kind: 'to',
  arg: { form: 'path', missing: "'to' needs a file path: to:PATH" },
  options: [...COMMON_OPTIONS, 'type'],
  likeTheta: false,
  syntax: 'to:CKPT[:type=states]',
  help: 'to:CKPT: from θ to a checkpoint, unscaled (MLI, two models)',
  parse: (arg, _options, scaling) => ({ kind: 'to', path: arg, ...scaling }),
  format: (spec, tail) => `to:${spec.path}:${tail}`,
  resolve: async (spec, ctx, r) => ({ raw: sub(r.checked(await ctx.loadParams(spec.path), `checkpoint ${spec.path}`), ctx.theta), extra: { path: spec.path } }),
  async statesRaw(spec, ctx, s) {
    if (!ctx.loadBuffers) throw new StatesDirectionError(`direction '${s.text}' needs the checkpoint's buffers, which this command cannot load`);
    return sub(buffersVector(s.layout, await ctx.loadBuffers(spec.path), `checkpoint ${spec.path}`), s.own);
  },
});
