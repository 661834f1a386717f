import type { Response } from 'supertest';

// The binding error body (DESIGN §4): every 4xx/5xx answers with it.
export const expectErrorBody = (body: unknown, code: string): void => {
  expect(body).toEqual({
    error: { code, message: expect.any(String), details: expect.any(Array), requestId: expect.any(String) },
  });
};

/** A response with `status` and the binding error body with `code`. */
export const expectError = (res: Response, status: number, code: string): void => {
  expect(res.status).toBe(status);
  expectErrorBody(res.body, code);
};
