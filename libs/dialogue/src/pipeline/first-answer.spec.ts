import { rankReplies, type RankedReply } from './first-answer.js';

const reply = (id: string, over: Partial<RankedReply> = {}): RankedReply => ({
  id,
  spoken: true,
  ofIntent: true,
  heard: false,
  lexical: 0,
  statesSlot: false,
  general: false,
  ...over,
});

/** The ids in rank order (ties keep the given order, as the dialogue then sorts by words and similarity). */
const order = (replies: RankedReply[], answerId?: string) => {
  const { rank, answerId: leader } = rankReplies(replies, answerId);
  return { ids: [...replies].sort((a, b) => rank.get(a.id)! - rank.get(b.id)!).map((r) => r.id), leader };
};

describe('rankReplies', () => {
  const basic = reply('price-basic', { statesSlot: true, general: true });
  const promo = reply('price-promo', { statesSlot: true });
  const compare = reply('price-compare');

  it('puts the general reply that states the asked slot first on the first answer to the intent', () => {
    expect(order([compare, promo, basic]).ids).toEqual(['price-basic', 'price-promo', 'price-compare']);
  });

  it('does not let a campaign example of a reply without the slot lead when it shares no more words', () => {
    // "how much is it": the comparison line's example is near, but nothing it says was asked.
    expect(order([compare, promo, basic], 'price-compare')).toEqual({
      ids: ['price-basic', 'price-promo', 'price-compare'],
      leader: undefined,
    });
    const some = { ...compare, lexical: 1 };
    expect(order([some, { ...promo, lexical: 1.4 }, basic], 'price-compare').leader).toBeUndefined();
  });

  it('keeps the campaign example that shares more words than every slot line, or that states the slot', () => {
    const asked = { ...compare, lexical: 2.8 };
    expect(order([basic, promo, asked], 'price-compare')).toEqual({
      ids: ['price-compare', 'price-basic', 'price-promo'],
      leader: 'price-compare',
    });
    expect(order([basic, compare, promo], 'price-promo')).toEqual({
      ids: ['price-promo', 'price-basic', 'price-compare'],
      leader: 'price-promo',
    });
  });

  it('ranks as before once a reply of the intent was heard', () => {
    const heard = { ...basic, heard: true };
    expect(order([heard, promo, compare], 'price-compare')).toEqual({
      ids: ['price-compare', 'price-promo', 'price-basic'],
      leader: 'price-compare',
    });
  });

  it('ranks as before for an intent that asks for no slot, and puts other languages last', () => {
    const plain = [reply('a'), reply('b', { ofIntent: false }), reply('c', { spoken: false }), reply('d')];
    expect(order(plain, 'd')).toEqual({ ids: ['d', 'a', 'b', 'c'], leader: 'd' });
    const foreign = reply('en-basic', { spoken: false, statesSlot: true, general: true });
    expect(order([compare, foreign]).ids).toEqual(['price-compare', 'en-basic']);
  });
});
