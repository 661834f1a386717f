import { createHash } from 'node:crypto';
import type { Script } from '../script-matcher.port.js';
import type { VectorIndexKind } from './vector-index.port.js';

/**
 * One binary blob per built library version, shared through Redis and cached under INDEX_DIR:
 * `HSLB` · header length (uint32 LE) · header JSON · scripts JSON (label order, `null` holes) ·
 * index bytes (`VectorIndex.serialize`: the HNSW graph with its vectors, the packed exact index, or the
 * brute-force vectors that serve a large version until its graph is built).
 * A receiving gateway fetches it with one GET and parses the scripts with one JSON.parse.
 */
export interface LibraryBundleHeader {
  format: 1;
  kind: VectorIndexKind;
  dim: number;
  modelId: string;
  scriptsBytes: number;
  indexBytes: number;
}

export interface LibraryBundle {
  header: LibraryBundleHeader;
  scripts: (Script | undefined)[];
  index: Buffer;
}

const MAGIC = Buffer.from('HSLB', 'latin1');

export function encodeBundle(
  head: Pick<LibraryBundleHeader, 'kind' | 'dim' | 'modelId'>,
  scripts: readonly (Script | undefined)[],
  index: Buffer,
): Buffer {
  const body = Buffer.from(JSON.stringify(scripts.map((s) => s ?? null)), 'utf8');
  const header: LibraryBundleHeader = {
    format: 1,
    ...head,
    scriptsBytes: body.byteLength,
    indexBytes: index.byteLength,
  };
  const h = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(h.byteLength);
  return Buffer.concat([MAGIC, len, h, body, index]);
}

export function decodeBundle(buf: Buffer): LibraryBundle {
  if (buf.byteLength < 8 || !buf.subarray(0, 4).equals(MAGIC)) throw new Error('not a library bundle');
  const hEnd = 8 + buf.readUInt32LE(4);
  const header = JSON.parse(buf.toString('utf8', 8, hEnd)) as LibraryBundleHeader;
  const sEnd = hEnd + header.scriptsBytes;
  if (header.format !== 1 || sEnd + header.indexBytes !== buf.byteLength)
    throw new Error('library bundle is truncated');
  const scripts = (JSON.parse(buf.toString('utf8', hEnd, sEnd)) as (Script | null)[]).map((s) => s ?? undefined);
  return { header, scripts, index: buf.subarray(sEnd) };
}

/**
 * Content key of a built library: the embedder model and every script as served (label order).
 * Two versions with the same scripts share one bundle; a new model never reuses an old one.
 */
export function bundleKey(modelId: string, dim: number, scripts: readonly (Script | undefined)[]): string {
  const h = createHash('sha1').update(`${modelId}\0${dim}\0`, 'utf8');
  for (const s of scripts) h.update(s ? JSON.stringify(s) : 'null', 'utf8').update('\0');
  return h.digest('hex').slice(0, 32);
}
