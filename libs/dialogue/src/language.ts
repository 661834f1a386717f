/**
 * The language of what a customer said: zh when the text has CJK characters, en when it has Latin
 * letters, else undefined. One rule for the reply choice and the callback-time parser, so both
 * agree on the language the customer spoke.
 */
export const languageOf = (text: string): 'zh' | 'en' | undefined =>
  /[\u3400-\u9fff]/.test(text) ? 'zh' : /[A-Za-z]/.test(text) ? 'en' : undefined;
