import { Redis } from 'ioredis';
import { MetricsRegistry, ReadinessRegistry } from '@huashu/common';
import { loadConfig, type AppConfig } from '@huashu/config';
import { ComplianceService } from './compliance.service.js';
import { loadDefaultLexicon, type LexiconDocument } from './engine/lexicon.js';
import { ComplianceStore } from './store/compliance.store.js';
import { deletePrefix, uniquePrefix } from '../../../test/support/redis-prefix.js';

// Real Redis under a prefix of this run alone; two services on it play two gateways.
const prefix = uniquePrefix('compliance-service');
const config: AppConfig = loadConfig({
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  REDIS_KEY_PREFIX: prefix,
});
const redis = new Redis(config.redis.url, { keyPrefix: prefix });
const who = { role: 'admin', keyId: 'spec' };
const campaign = 'acme';

function gateway(): ComplianceService {
  const service = new ComplianceService(
    config,
    new ComplianceStore(redis),
    new ReadinessRegistry(),
    new MetricsRegistry('test', { defaultMetrics: false }),
  );
  service.onModuleInit();
  return service;
}

/** The default lexicon with one more abuse term, so a check tells which document screened it. */
function lexiconWith(term: string): Omit<LexiconDocument, 'version'> {
  const { version: _version, ...doc } = loadDefaultLexicon();
  const abuse = doc.categories.abuse;
  return { ...doc, categories: { ...doc.categories, abuse: { ...abuse, patterns: [...abuse.patterns, term] } } };
}

afterAll(async () => {
  redis.disconnect();
  await deletePrefix(prefix, config.redis.url);
});

describe('ComplianceService.forgetRedisData (real Redis)', () => {
  it('drops the cached lexicons and policies, so the next check reads what Redis holds after the loss', async () => {
    const gatewayA = gateway();
    await gatewayA.putLexicon(campaign, lexiconWith('紫色香蕉'), who);
    await gatewayA.putPolicy(campaign, { output: { abuse: 'flag' } }, who);
    const before = await gatewayA.check('紫色香蕉', 'output', campaign);
    expect(before).toMatchObject({ verdict: 'allow', hits: [{ category: 'abuse', match: '紫色香蕉' }] });

    // Redis loses its data; another gateway then writes the campaign's documents anew. Versions
    // start again from the default's, so the new documents carry the versions gateway A cached.
    await deletePrefix(prefix, config.redis.url);
    const gatewayB = gateway();
    await gatewayB.putLexicon(campaign, lexiconWith('绿色苹果'), who);
    await gatewayB.putPolicy(campaign, { output: { abuse: 'block' } }, who);
    expect((await gatewayB.getLexicon(campaign)).version).toBe(loadDefaultLexicon().version + 1);

    gatewayA.forgetRedisData();
    expect(await gatewayA.check('绿色苹果', 'output', campaign)).toMatchObject({
      verdict: 'block',
      hits: [{ category: 'abuse', match: '绿色苹果' }],
    });
    expect(await gatewayA.check('紫色香蕉', 'output', campaign)).toMatchObject({ verdict: 'allow', hits: [] });
  });
});
