// Reading a generator's stream in the specs: every chunk, its return value or the error it ended with.
import type { GenerateChunk, GenerateStreamEnd } from '@huashu/generator';

/** Every chunk of a stream and its return value (or the error it ended with). */
export async function readStream(
  it: AsyncIterable<GenerateChunk, GenerateStreamEnd | void>,
): Promise<{ chunks: GenerateChunk[]; end?: GenerateStreamEnd | void; error?: unknown }> {
  const chunks: GenerateChunk[] = [];
  try {
    const iterator = it[Symbol.asyncIterator]();
    for (;;) {
      const next = await iterator.next();
      if (next.done) return { chunks, end: next.value };
      chunks.push(next.value);
    }
  } catch (error) {
    return { chunks, error };
  }
}

/** The text pieces of a stream, joined. */
export const textOf = (chunks: GenerateChunk[]): string =>
  chunks
    .filter((c) => c.type === 'text')
    .map((c) => c.text)
    .join('');

/** The sentences of a stream, in order. */
export const sentencesOf = (chunks: GenerateChunk[]): string[] =>
  chunks.filter((c) => c.type === 'sentence').map((c) => c.text);
