import type { Command } from 'commander';
import { registerClassify } from './classify.js';
import { registerCollect } from './collect.js';
import { registerConnect } from './connect.js';
import { registerDemo } from './demo.js';
import { registerEval } from './eval.js';
import { registerExplain } from './explain.js';
import { registerExport } from './export.js';
import { registerExportOnnx } from './export-onnx.js';
import { registerGmi } from './gmi.js';
import { registerHessian } from './hessian.js';
import { registerImportLl } from './import-ll.js';
import { registerLayers } from './layers.js';
import { registerLandscape } from './landscape.js';
import { registerMine } from './mine.js';
import { registerPlane } from './plane.js';
import { registerReport } from './report.js';
import { registerReproduce } from './reproduce.js';
import { registerResume } from './resume.js';
import { registerServe } from './serve.js';
import { registerSharpness } from './sharpness.js';
import { registerTrain } from './train.js';
import { registerWorker } from './worker.js';

/** Every subcommand registers itself here. */
export function registerCommands(program: Command): void {
  registerTrain(program);
  registerEval(program);
  registerLandscape(program);
  registerHessian(program);
  registerExplain(program);
  registerGmi(program);
  registerMine(program);
  registerLayers(program);
  registerSharpness(program);
  registerConnect(program);
  registerPlane(program);
  registerClassify(program);
  registerResume(program);
  registerExportOnnx(program);
  registerExport(program);
  registerImportLl(program);
  registerDemo(program);
  registerReproduce(program);
  registerWorker(program);
  registerCollect(program);
  registerReport(program);
  registerServe(program);
}
