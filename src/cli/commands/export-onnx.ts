// terrain export-onnx: a checkpoint as a self-contained .onnx file (weights as initializers, dynamic batch).
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { toOnnxBytes } from '../../ir/onnx.js';
import { loadModel } from '../common.js';
import { makeOutput } from '../output.js';

export function registerExportOnnx(program: Command): void {
  program.command('export-onnx').description('write a checkpoint as an ONNX model (input "input" [N, ...], output "logits" [N, classes])')
    .argument('<checkpoint>', 'a terrain checkpoint (.safetensors)')
    .requiredOption('--out <file>', 'the .onnx file to write')
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (ckpt: string, flags: { out: string; json?: boolean }) => {
      const out = makeOutput(!!flags.json);
      const m = loadModel(ckpt);
      const bytes = toOnnxBytes(m.model.graph);
      writeFileSync(flags.out, bytes);
      out.say(`wrote ${flags.out} (${m.model.spec.arch}, ${m.theta.layout.size.toLocaleString('en')} parameters, ${bytes.length.toLocaleString('en')} bytes)`);
      out.result({ out: flags.out, bytes: bytes.length, parameters: m.theta.layout.size, arch: m.model.spec.arch });
    });
}
