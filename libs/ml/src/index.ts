// @huashu/ml: the shared machine-learning toolkit (featuriser, tiny neural nets trained in
// TypeScript, ONNX writer, onnxruntime behind a port). Stable API: only ever add.
export { fnv1a32 } from './text/fnv1a.js';
export {
  DEFAULT_FEATURISER_PARAMS,
  HashedFeaturiser,
  normaliseText,
  type FeaturiserParams,
  type SparseFeatures,
} from './text/hashed-featuriser.js';
export { SeededRng } from './nn/rng.js';
export { addOuter, argmax, axpy, matrix, matVec, reluInPlace, vecMat, xavierUniform, type Matrix } from './nn/dense.js';
export { nll, smoothedCrossEntropy, softmax } from './nn/loss.js';
export { AdamState, adamStep, DEFAULT_ADAM, sparseAdamStep, type AdamOptions } from './nn/adam.js';
export {
  BagMlpModel,
  type BagMlpShape,
  type BagMlpWeights,
  type LabelledFeatures,
  type TrainStepOptions,
} from './nn/bag-mlp.model.js';
export {
  dequantiseInt8,
  fromFloat16Bits,
  ONNX_TYPES,
  quantiseInt8,
  rawBytes,
  roundFloat16,
  toFloat16Bits,
  type Int8Quantised,
  type OnnxElemType,
} from './onnx/tensor-codec.js';
export {
  ONNX_IR_VERSION,
  ONNX_OPSET,
  OnnxGraphBuilder,
  readOnnxMetadata,
  type Dim,
  type OnnxAttr,
  type OnnxTensor,
} from './onnx/onnx-graph.builder.js';
export {
  BAG_MLP_IO,
  exportBagMlpOnnx,
  PRECISIONS,
  referenceForPrecision,
  type Precision,
} from './onnx/bag-mlp.onnx-export.js';
export {
  INFERENCE_RUNTIME,
  type InferenceRuntime,
  type InferenceSession,
  type InferenceSessionOptions,
  type TensorValue,
} from './onnx/inference-session.port.js';
export { OnnxRuntimeAdapter } from './onnx/onnxruntime.adapter.js';
export { BagRunCoalescer, type BagModelIo } from './onnx/bag-run-coalescer.js';
export { createProgress, type Progress } from './progress.js';
export { HfTokenizer, type TokenizedText } from './text/hf-tokenizer.js';
