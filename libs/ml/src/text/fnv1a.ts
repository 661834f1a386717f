/**
 * FNV-1a 32-bit over the UTF-8 bytes of a string (http://www.isthe.com/chongo/tech/comp/fnv/).
 * Hand-written: it is six lines, stable across platforms and versions (a feature hash must never
 * change under a shipped model), and avoids allocating a Buffer per feature on the hot path.
 */
export function fnv1a32(text: string, seed = 0x811c9dc5): number {
  return fnv1a32Continue(seed >>> 0, text);
}

/**
 * Continue an FNV-1a state with the UTF-8 bytes of `text`: fnv1a32(a + b) === fnv1a32Continue(fnv1a32(a), b).
 * The featuriser hashes n-grams incrementally with it instead of building every feature string.
 */
export function fnv1a32Continue(state: number, text: string): number {
  let h = state >>> 0;
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    // Combine surrogate pairs into one code point so astral characters hash as their UTF-8 bytes.
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    h = fnv1a32CodePoint(h, cp);
  }
  return h >>> 0;
}

/** Continue an FNV-1a state with the UTF-8 bytes of one code point (a lone surrogate as its own value). */
export function fnv1a32CodePoint(h: number, cp: number): number {
  if (cp < 0x80) return mix(h, cp);
  if (cp < 0x800) return mix(mix(h, 0xc0 | (cp >> 6)), 0x80 | (cp & 0x3f));
  if (cp < 0x10000) return mix(mix(mix(h, 0xe0 | (cp >> 12)), 0x80 | ((cp >> 6) & 0x3f)), 0x80 | (cp & 0x3f));
  return mix(
    mix(mix(mix(h, 0xf0 | (cp >> 18)), 0x80 | ((cp >> 12) & 0x3f)), 0x80 | ((cp >> 6) & 0x3f)),
    0x80 | (cp & 0x3f),
  );
}

const mix = (h: number, byte: number): number => Math.imul(h ^ byte, 0x01000193) >>> 0;
