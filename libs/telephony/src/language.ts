/**
 * Campaign language → BCP-47 tags for the platforms' speech engines. Every platform here takes
 * BCP-47 (Twilio <Gather language>/<Say language>, AudioCodes `language`, Genesys `languageCode`).
 */
export const SPEECH_LANGUAGES = { zh: 'zh-CN', en: 'en-US' } as const;

export type CampaignLanguage = keyof typeof SPEECH_LANGUAGES;

export const speechLanguage = (lang: string | undefined): string =>
  lang === 'en' ? SPEECH_LANGUAGES.en : SPEECH_LANGUAGES.zh;
