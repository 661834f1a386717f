// For specs that set Redis's maxmemory-policy: always on a private redis-server. On the shared Redis
// even a brief allkeys-* would make any gateway that another spec boots or reconnects at that moment
// log an error line (some specs fail on any error line), and a non-zero maxmemory would let the policy
// evict other specs' keys. The original policy is put back by `restore`, which the spec calls from
// afterAll, and the server is stopped.
import { Redis } from 'ioredis';
import { PrivateRedis } from './redis-server.js';

export interface PolicyTarget {
  /** The Redis whose policy the spec may set. */
  url: string;
  /** An unprefixed admin client on it. */
  admin: Redis;
  setPolicy(policy: string): Promise<void>;
  /** Put the original policy back, close the client, stop a private server. */
  restore(): Promise<void>;
}

export async function policyTarget(): Promise<PolicyTarget> {
  const server = await PrivateRedis.start();
  const admin = new Redis(server.url);
  const [, original] = await admin.config('GET', 'maxmemory-policy');
  return {
    url: server.url,
    admin,
    setPolicy: async (policy) => void (await admin.config('SET', 'maxmemory-policy', policy)),
    restore: async () => {
      try {
        await admin.config('SET', 'maxmemory-policy', original);
      } finally {
        admin.disconnect();
        await server.stop();
      }
    },
  };
}
