/**
 * Campaign language → BCP-47 tags for the platforms' speech engines. Every platform here takes
 * BCP-47 (Twilio <Gather language>/<Say language>, AudioCodes `language`, Genesys `languageCode`).
 */
export const SPEECH_LANGUAGES = { zh: 'zh-CN', en: 'en-US' } as const;

export type CampaignLanguage = keyof typeof SPEECH_LANGUAGES;

export const speechLanguage = (lang: string | undefined): string =>
  lang === 'en' ? SPEECH_LANGUAGES.en : SPEECH_LANGUAGES.zh;

/**
 * Speech language of what is said: a library may hold zh and en scripts and the dialogue answers in
 * the customer's language, so the reply's own text decides (CJK → zh, Latin letters → en), the
 * campaign's language otherwise.
 */
export const textLanguage = (text: string, fallback: string): string =>
  /[\u3400-\u9fff]/.test(text) ? SPEECH_LANGUAGES.zh : /[A-Za-z]/.test(text) ? SPEECH_LANGUAGES.en : fallback;
