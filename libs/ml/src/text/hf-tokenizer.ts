import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as hfTokenizers from '@huggingface/tokenizers';

/** The part of `@huggingface/tokenizers`' Tokenizer used here. */
interface TokenizerApi {
  encode(
    text: string,
    options: { add_special_tokens: boolean; return_token_type_ids: boolean },
  ): { ids: number[]; token_type_ids?: number[] };
  token_to_id(token: string): number | undefined;
}

// The package's .d.ts files import each other without file extensions, which `moduleResolution:
// NodeNext` cannot follow, so its types resolve to errors; this is the constructor's real shape.
const Tokenizer = (hfTokenizers as unknown as { Tokenizer: new (json: object, config: object) => TokenizerApi })
  .Tokenizer;

/** One tokenised text, truncated to the model's maximum length. */
export interface TokenizedText {
  ids: number[];
  typeIds: number[];
}

/**
 * A Hugging Face `tokenizer.json` (WordPiece, BPE, Unigram, WordLevel …) through
 * `@huggingface/tokenizers`, the pure-JS port the Transformers.js project maintains: the same
 * normalisers, pre-tokenisers, models and post-processors as the Rust crate, no native code.
 */
export class HfTokenizer {
  private constructor(
    private readonly tokenizer: TokenizerApi,
    /** Longest sequence the model accepts, special tokens included. */
    readonly maxLength: number,
    /** Id used to pad a batch (masked out anyway). */
    readonly padId: number,
  ) {}

  /**
   * Load `tokenizer.json` (and `tokenizer_config.json` when present) from a directory.
   * `maxLength` caps `model_max_length` from the config (many configs say 1e30).
   */
  static async fromDir(dir: string, maxLength = 256): Promise<HfTokenizer> {
    const json = JSON.parse(await readFile(join(dir, 'tokenizer.json'), 'utf8')) as Record<string, unknown>;
    const config = (await readFile(join(dir, 'tokenizer_config.json'), 'utf8').then(
      (s) => JSON.parse(s) as Record<string, unknown>,
      () => ({}),
    )) as { model_max_length?: unknown; pad_token?: unknown };
    const tokenizer = new Tokenizer(json, config);
    const declared = typeof config.model_max_length === 'number' ? config.model_max_length : maxLength;
    const padding = json.padding as { pad_id?: unknown } | null | undefined;
    const padToken = typeof config.pad_token === 'string' ? tokenizer.token_to_id(config.pad_token) : undefined;
    const padId = typeof padding?.pad_id === 'number' ? padding.pad_id : (padToken ?? 0);
    return new HfTokenizer(tokenizer, Math.max(2, Math.min(declared, maxLength)), padId);
  }

  encode(text: string): TokenizedText {
    const enc = this.tokenizer.encode(text, { add_special_tokens: true, return_token_type_ids: true });
    let ids = enc.ids;
    let typeIds = enc.token_type_ids ?? new Array<number>(ids.length).fill(0);
    if (ids.length > this.maxLength) {
      // Keep the head and the closing special token ([SEP] / </s>), as the Rust truncation does
      // for a single sequence with a post-processor.
      ids = [...ids.slice(0, this.maxLength - 1), ids[ids.length - 1]];
      typeIds = [...typeIds.slice(0, this.maxLength - 1), typeIds[typeIds.length - 1]];
    }
    return { ids, typeIds };
  }
}
