export { EMBEDDER, type Embedder } from './embedder.port.js';
