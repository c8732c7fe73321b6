// ONNX import: files exported from PyTorch (or converted) as terrain models.
export { importOnnx, importGraph, ImportError, MAX_VALUE_ELEMENTS, MAX_TOTAL_ELEMENTS, BATCH, type Imported, type ImportReport } from './onnx-model.js';
export { simplifyGraph, type Simplified } from './simplify.js';
export { classifyInitializers, type Roles } from './roles.js';
export { describeUnsupported, type UnsupportedOp } from './support.js';
