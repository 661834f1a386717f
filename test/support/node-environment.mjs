// Jest's node environment runs tests in a separate V8 realm but copies only ArrayBuffer and
// Uint8Array from the host. Native addons (onnxruntime-node, hnswlib-node) return typed arrays of
// the host realm, and onnxruntime-common checks `data instanceof Float32Array`, which then fails
// ("A float32 tensor's data must be type of function Float32Array()"). Share every typed-array
// constructor with the host realm, as jest already does for Uint8Array.
import { TestEnvironment } from 'jest-environment-node';

const TYPED_ARRAYS = [
  'Int8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

export default class HostTypedArraysEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED_ARRAYS) this.global[name] = globalThis[name];
  }
}
