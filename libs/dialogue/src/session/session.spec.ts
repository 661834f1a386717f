import type { IntentName } from '@huashu/intent';
import { noteIntent } from './session.js';

describe('noteIntent', () => {
  it('keeps each intent once, in the order first seen', () => {
    let intents = noteIntent([], 'ask_price');
    for (const i of ['ask_price', 'objection_price', 'ask_price', 'ready_to_buy', 'objection_price'] as const) {
      intents = noteIntent(intents, i);
    }
    expect(intents).toEqual(['ask_price', 'objection_price', 'ready_to_buy']);
  });

  it('returns the same (possibly frozen) array for an intent already seen, and a new one otherwise', () => {
    const seen: readonly IntentName[] = Object.freeze<IntentName[]>(['greeting', 'ask_company']);
    expect(noteIntent(seen, 'ask_company')).toBe(seen);
    const more = noteIntent(seen, 'ask_price');
    expect(more).toEqual(['greeting', 'ask_company', 'ask_price']);
    expect(seen).toEqual(['greeting', 'ask_company']);
  });

  it('accepts a session stored before intents were distinct (repeats stay, nothing new is repeated)', () => {
    expect(noteIntent(['out_of_scope', 'out_of_scope', 'greeting'], 'out_of_scope')).toEqual([
      'out_of_scope',
      'out_of_scope',
      'greeting',
    ]);
  });
});
