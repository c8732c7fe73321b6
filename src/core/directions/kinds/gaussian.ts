// gaussian[:seed=N]: a seeded N(0, 1) vector, rescaled like θ (Li et al. 2018's random directions).
import { gaussianNoise } from '../gaussian.js';
import { BIAS_BN_MODES, DIR_TYPES, NORM_MODES, type Scaling } from '../scaling.js';
import { gaussianBufferNoise } from '../states.js';
import { defineKind } from './kind.js';

export type GaussianSpec = { kind: 'gaussian'; seed: number } & Scaling;

export const gaussian = defineKind<GaussianSpec>({
  kind: 'gaussian',
  arg: { form: 'none' },
  options: ['norm', 'seed', 'bias-bn', 'scale', 'type'],
  likeTheta: true,
  syntax: `gaussian[:norm=${NORM_MODES.join('|')}][:seed=N][:bias-bn=${BIAS_BN_MODES.join('|')}][:scale=S][:type=${DIR_TYPES.join('|')}]`,
  help: 'gaussian[:seed=N]: a random direction, rescaled like θ (filter norm by default)',
  parse(_arg, options, scaling, fail) {
    const seedText = options.get('seed') ?? '0';
    const seed = Number(seedText);
    if (!/^\d+$/.test(seedText) || seed > 0xffffffff) fail(`seed='${seedText}' is not an integer in 0..4294967295`);
    return { kind: 'gaussian', seed, ...scaling };
  },
  format: (spec, _tail, states) => `gaussian:norm=${spec.norm}:seed=${spec.seed}:bias-bn=${spec.biasBn}:scale=${spec.scale}${states}`,
  resolve: async (spec, ctx) => ({ raw: gaussianNoise(ctx.theta.layout, spec.seed), extra: { seed: spec.seed } }),
  statesRaw: async (spec, ctx, s) => gaussianBufferNoise(ctx.theta.layout.size, s.layout, spec.seed),
});
