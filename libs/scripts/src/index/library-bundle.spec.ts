import type { Script } from '../script-matcher.port.js';
import { bundleKey, decodeBundle, encodeBundle } from './library-bundle.js';

const s = (id: string, text: string, extra: Partial<Script> = {}): Script => ({
  id,
  campaignId: 'c',
  text,
  tags: [],
  fallback: false,
  enabled: true,
  version: 1,
  updatedAt: '2026-11-29T00:00:00.000Z',
  updatedBy: 'k',
  ...extra,
});

describe('library bundle', () => {
  const scripts = [
    s('a', '你好，我是客服'),
    undefined,
    s('c', 'price {price}', { intent: 'ask_price', threshold: 0.5 }),
  ];
  const index = Buffer.from([1, 2, 3, 4, 5]);

  it('round-trips the header, the scripts with their holes and the index bytes', () => {
    const buf = encodeBundle({ kind: 'hnsw', dim: 256, modelId: 'm1' }, scripts, index);
    const back = decodeBundle(buf);
    expect(back.header).toMatchObject({ format: 1, kind: 'hnsw', dim: 256, modelId: 'm1', indexBytes: 5 });
    expect(back.scripts).toEqual(scripts);
    expect(Buffer.from(back.index)).toEqual(index);
  });

  it('rejects another blob or a truncated bundle', () => {
    const buf = encodeBundle({ kind: 'exact', dim: 4, modelId: 'm1' }, scripts, index);
    expect(() => decodeBundle(Buffer.from('not a bundle'))).toThrow(/not a library bundle/);
    expect(() => decodeBundle(buf.subarray(0, buf.byteLength - 1))).toThrow(/truncated/);
  });

  it('keys the content: model, dimension, every field of every script and the label layout', () => {
    const k = bundleKey('m1', 256, scripts);
    expect(bundleKey('m1', 256, [...scripts])).toBe(k);
    expect(bundleKey('m2', 256, scripts)).not.toBe(k);
    expect(bundleKey('m1', 128, scripts)).not.toBe(k);
    expect(bundleKey('m1', 256, [scripts[0], scripts[2], undefined])).not.toBe(k);
    expect(bundleKey('m1', 256, [scripts[0], undefined, s('c', 'price {price}', { intent: 'ask_price' })])).not.toBe(k);
  });
});
