import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Finds which configured key a presented secret is, in constant time: every configured key is
 * compared (hashing first makes the lengths equal), so timing reveals neither key nor position.
 */
export class ApiKeyMatcher<T> {
  private readonly entries: { hash: Buffer; value: T }[];

  constructor(entries: { key: string; value: T }[]) {
    this.entries = entries.map((e) => ({ hash: digest(e.key), value: e.value }));
  }

  get empty(): boolean {
    return this.entries.length === 0;
  }

  match(presented: string): T | undefined {
    const h = digest(presented);
    let found: T | undefined;
    for (const e of this.entries) {
      if (timingSafeEqual(h, e.hash) && found === undefined) found = e.value;
    }
    return found;
  }
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const m = /^Bearer[ ]+([^\s]{1,512})\s*$/i.exec(header);
  return m?.[1];
}
