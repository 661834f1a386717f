/** Files of a built-in encoder directory (models/embedding/). */
export const BUILTIN_MODEL_FILES = { onnx: 'model.onnx', metadata: 'metadata.json' } as const;
