// The binding error body (DESIGN §4): every 4xx/5xx answers with it.
export const expectErrorBody = (body: unknown, code: string): void => {
  expect(body).toEqual({
    error: { code, message: expect.any(String), details: expect.any(Array), requestId: expect.any(String) },
  });
};
