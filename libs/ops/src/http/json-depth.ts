import type { FastifyInstance } from 'fastify';
import { toErrorBody } from './error-body.js';
import { HuashuException } from '@huashu/common';

/**
 * Deepest JSON nesting a request body may have. No huashu body needs more than a handful of levels;
 * class-transformer and class-validator walk bodies recursively, so a 64 KiB body nested thousands
 * of levels deep overflowed the stack there and answered 500 (found by the fuzz e2e spec).
 */
export const MAX_JSON_DEPTH = 32;

/** Nesting depth of a parsed JSON value, counted iteratively (the point is not to recurse). */
export function jsonDepthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** Refuses over-deep JSON bodies with 400 and the binding body before validation or handlers run. */
export function installJsonDepthLimit(fastify: FastifyInstance, max = MAX_JSON_DEPTH): void {
  fastify.addHook('preValidation', (request, reply, done) => {
    if (!jsonDepthExceeds(request.body, max)) {
      done();
      return;
    }
    const { status, body } = toErrorBody(
      new HuashuException('VALIDATION_FAILED', `JSON body is nested deeper than ${max} levels`, [
        { field: 'body', rules: [`maxDepth ${max}`] },
      ]),
      request.id,
    );
    // Replying from a hook ends the request; done() must not be called as well.
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  });
}
