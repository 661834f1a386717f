/**
 * Poll until `check` passes (resolves) or `ms` elapse, then rethrow its last failure: for what follows a
 * request in the background (publishes propagating over pub/sub, a graph built after a publish).
 */
export async function eventually(check: () => Promise<void>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
