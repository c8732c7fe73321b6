// PyTorch weights for a model: .pt/.pth (torch.save zip) and .safetensors state_dicts, mapped onto initializers.
import { readRegularFileAs } from '../read-file.js';
import { decodeSafetensors, SafetensorsError } from '../safetensors.js';
import type { Tensor } from '../tensor.js';
import { decodeTorchSave, TorchFileError } from './pt.js';
import { InputError } from '../errors.js';

export { decodeTorchSave, halfToFloat, MAX_PICKLE_BYTES, TorchFileError, type TorchStateDict } from './pt.js';
export { applyStateDict, StateDictError, type MappingOptions, type StateDictReport } from './state-dict.js';
export { listZip, readZip, ZipError } from './zip.js';

export class WeightsFileError extends InputError {
  override name = 'WeightsFileError';
}

export interface WeightsFile {
  tensors: Map<string, Tensor>;
  /** Non-tensor entries of a .pt state_dict (by key). */
  skipped: string[];
  bytes: Uint8Array;
}

/** torch.save archives go by several names: .pt, .pth, Hugging Face's pytorch_model.bin, Lightning's .ckpt. */
export const TORCH_EXTENSIONS = ['.pt', '.pth', '.bin', '.ckpt'];

/** Reads a state_dict from .pt/.pth (torch.save) or .safetensors bytes; `source` names the file in errors. */
export function decodeWeights(bytes: Uint8Array, source: string): WeightsFile {
  try {
    if (source.endsWith('.safetensors')) return { tensors: decodeSafetensors(bytes, source).tensors, skipped: [], bytes };
    if (TORCH_EXTENSIONS.some((x) => source.endsWith(x))) {
      const sd = decodeTorchSave(bytes, source);
      return { tensors: sd.tensors, skipped: sd.skipped, bytes };
    }
  } catch (e) {
    if (e instanceof SafetensorsError || e instanceof TorchFileError) throw new WeightsFileError(e.message);
    throw e;
  }
  throw new WeightsFileError(`${source}: unknown weights file type; give a PyTorch state_dict as .pt/.pth/.bin/.ckpt (torch.save) or .safetensors`);
}

export function readWeightsFile(path: string): WeightsFile {
  return decodeWeights(readRegularFileAs(path, WeightsFileError), path);
}
