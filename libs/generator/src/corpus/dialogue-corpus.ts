import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** One customer turn → good agent reply pair of `data/dialogues/*.jsonl`. */
export const dialoguePairSchema = z
  .object({
    id: z.string().regex(/^[a-z]{2}-[a-z_]+-\d{3}$/),
    lang: z.enum(['zh', 'en']),
    intent: z.string().min(1),
    /** The agent's previous line, for replies that only make sense after it (affirm/deny). */
    context: z.string().min(1).optional(),
    customer: z.string().min(1),
    reply: z.string().min(1),
  })
  .strict();
export type DialoguePair = z.infer<typeof dialoguePairSchema>;

/** Read and validate every `*.jsonl` in the dialogues directory, in file-name order (deterministic). */
export async function loadDialogueCorpus(dir: string): Promise<DialoguePair[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl')).sort();
  const pairs: DialoguePair[] = [];
  const ids = new Set<string>();
  for (const file of files) {
    const lines = (await readFile(join(dir, file), 'utf8')).split('\n');
    for (const [i, line] of lines.entries()) {
      if (line.trim() === '') continue;
      const parsed = dialoguePairSchema.safeParse(JSON.parse(line));
      if (!parsed.success)
        throw new Error(
          `${file}:${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join('.')} ${x.message}`).join('; ')}`,
        );
      if (ids.has(parsed.data.id)) throw new Error(`${file}:${i + 1}: duplicate id ${parsed.data.id}`);
      ids.add(parsed.data.id);
      pairs.push(parsed.data);
    }
  }
  if (pairs.length === 0) throw new Error(`no dialogue pairs under ${dir}`);
  return pairs;
}
