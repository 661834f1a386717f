// For specs that set Redis's maxmemory-policy: on the shared Redis only while maxmemory is 0 (no limit,
// so no policy evicts anything from the other specs running in parallel), else on a private
// redis-server. The original policy is put back by `restore`, which the spec calls from afterAll.
import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from './redis-prefix.js';
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
  const shared = new Redis(TEST_REDIS_URL);
  const [, maxmemory] = await shared.config('GET', 'maxmemory');
  let server: PrivateRedis | undefined;
  let admin = shared;
  if (maxmemory !== '0') {
    shared.disconnect();
    server = await PrivateRedis.start();
    admin = new Redis(server.url);
  }
  const [, original] = await admin.config('GET', 'maxmemory-policy');
  return {
    url: server?.url ?? TEST_REDIS_URL,
    admin,
    setPolicy: async (policy) => void (await admin.config('SET', 'maxmemory-policy', policy)),
    restore: async () => {
      try {
        await admin.config('SET', 'maxmemory-policy', original);
      } finally {
        admin.disconnect();
        await server?.stop();
      }
    },
  };
}
