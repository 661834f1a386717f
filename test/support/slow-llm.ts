// Shared by the streaming phone e2e spec and `bench/relay-stream.bench.ts`: what an aligned model
// writes for the sample campaign, and the gateway settings that send the generator route to a
// (fake) OpenAI-compatible server with a turn budget wide enough for a slow stream.

/** Library scripts of the sample campaign with their slots filled, one sentence each. */
export const LIBRARY_SENTENCES = {
  product: '千兆宽带家庭套餐包含千兆光纤宽带、两张手机卡每月共100GB流量和1000分钟通话，月费每月199元，合约期24个月。',
  install: '确认办理后，一般三个工作日内会有装维师傅联系您预约上门时间，安装大约一个小时。',
  data: '两张手机卡每月共享100GB通用流量，超出后按每GB三元计费，也可以随时加购流量包。',
  price: '千兆宽带家庭套餐的月费是每月199元，包含宽带和两张手机卡，合约期内价格不变，安装费和光猫都不另外收费。',
  promo: '本月办理千兆宽带家庭套餐，前三个月月费享八折，之后恢复为每月199元，活动以办理时的页面说明为准。',
} as const;

/** Caller lines the shipped intent model routes to the generator (interested, ask_price). */
export const GENERATOR_LINES = { interest: '听起来不错，你说说看', price: '一个月多少钱' } as const;

/** Gateway environment: generator route on the OpenAI-compatible server at `baseUrl`, 10 s phone turns. */
export const slowLlmEnv = (baseUrl: string): Record<string, string> => ({
  GENERATOR_MODE: 'inprocess',
  GENERATOR_PROVIDER: 'openai',
  LLM_BASE_URL: baseUrl,
  LLM_MODEL: 'fake-model',
  // The model does not think: its sentences stream at once (under the default `auto` a reply without
  // <think> is held until its end, in case a </think> ends thinking opened in the prompt).
  LLM_THINKING: 'tags',
  TURN_DEADLINE_PHONE_MS: '10000',
});

/** Campaign deadlines (PUT /v1/admin/campaigns/default) that let the whole slow stream finish. */
export const WIDE_DEADLINES = { deadlines: { phoneMs: 10000, stages: { generate: 8000 } } } as const;
