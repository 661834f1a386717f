// For specs that set Redis's maxmemory-policy: always on a private redis-server. On the shared Redis
// even a brief allkeys-* would make any gateway that another spec boots or reconnects at that moment
// log an error line (some specs fail on any error line), and a non-zero maxmemory would let the policy
// evict other specs' keys. `stop`, which the spec calls from afterAll, closes the client and stops the
// server (nothing else uses it, so its policy need not be put back).
import { Redis } from 'ioredis';
import { PrivateRedis } from './redis-server.js';

export interface PolicyTarget {
  /** The Redis whose policy the spec may set. */
  url: string;
  /** An unprefixed admin client on it. */
  admin: Redis;
  setPolicy(policy: string): Promise<void>;
  /** Close the client and stop the private server. */
  stop(): Promise<void>;
}

export async function policyTarget(): Promise<PolicyTarget> {
  const server = await PrivateRedis.start();
  const admin = new Redis(server.url);
  return {
    url: server.url,
    admin,
    setPolicy: async (policy) => void (await admin.config('SET', 'maxmemory-policy', policy)),
    stop: async () => {
      admin.disconnect();
      await server.stop();
    },
  };
}
