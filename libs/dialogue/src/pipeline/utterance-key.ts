/**
 * The comparison key of an utterance: NFKC, lower case, without punctuation, symbols and spaces
 * (ASR output spaces CJK at random and punctuates at will).
 */
export const utteranceKey = (text: string): string =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}\s]+/gu, '');
