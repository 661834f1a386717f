import { timingSafeEqual as cryptoEqual } from 'node:crypto';
import type { z } from 'zod';
import { HuashuException } from '@huashu/common';

/**
 * Parse a platform payload with zod. Vendor payloads are parsed with loose objects on purpose:
 * platforms add fields over time and a strict whitelist would reject real traffic; only the fields
 * we read are checked. Failures become the binding VALIDATION_FAILED body.
 */
export function parsePayload<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new HuashuException(
      'VALIDATION_FAILED',
      `invalid ${what}`,
      parsed.error.issues.slice(0, 20).map((i) => ({ field: i.path.join('.') || '(body)', rules: [i.message] })),
    );
  }
  return parsed.data;
}

/** Constant-time string comparison for shared secrets (length leak only). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) {
    // Compare against itself so the time does not depend on where a mismatch is.
    cryptoEqual(ab, ab);
    return false;
  }
  return cryptoEqual(ab, bb);
}
