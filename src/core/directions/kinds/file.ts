// file:PATH: a direction saved as safetensors (terrain's or converted from loss-landscape), used as it is.
import { worded } from '../../../ir/errors.js';
import { loadDirection } from '../io.js';
import { COMMON_OPTIONS, type Scaling } from '../scaling.js';
import { BN_PERTURB, buffersVector, StatesDirectionError } from '../states.js';
import { defineKind } from './kind.js';

export type FileSpec = { kind: 'file'; path: string } & Scaling;

export const file = defineKind<FileSpec>({
  kind: 'file',
  arg: { form: 'path', missing: "'file' needs a file path: file:PATH" },
  options: [...COMMON_OPTIONS, 'type'],
  likeTheta: false,
  syntax: 'file:PATH[:type=states]',
  help: 'file:PATH: a saved direction (safetensors), unscaled',
  async resolve(spec, ctx, r) {
    const { vector: raw, buffers: fileBuffers } = loadDirection(spec.path, ctx.theta.layout);
    if (fileBuffers && spec.dirType !== 'states') throw new StatesDirectionError(worded`direction '${r.text}': ${spec.path} is a states direction (it also moves the BN running statistics); add ':type=states' and ${BN_PERTURB} to use it as it is`);
    return { raw, extra: { path: spec.path }, ...(fileBuffers ? { fileBuffers } : {}) };
  },
  parse: (arg, _options, scaling) => ({ kind: 'file', path: arg, ...scaling }),
  format: (spec, tail) => `file:${spec.path}:${tail}`,
  async statesRaw(spec, _ctx, s) {
    if (!s.fileBuffers) throw new StatesDirectionError(`direction '${s.text}': ${spec.path} holds no running statistics (a weights direction); drop ':type=states'`);
    return buffersVector(s.layout, s.fileBuffers, `direction file ${spec.path}`);
  },
});
