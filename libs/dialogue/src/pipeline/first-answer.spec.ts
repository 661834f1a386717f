import { byAnswer, rankReplies, type RankedReply } from './first-answer.js';

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

  it('asked again, every reply that states the slot answers it: the unheard ones first, the heard after them', () => {
    // 月费多少钱 → 多少钱一个月来着: the price again (the promotion's, not yet heard), never the comparison line.
    const heard = { ...basic, heard: true };
    expect(order([heard, promo, compare], 'price-compare')).toEqual({
      ids: ['price-promo', 'price-basic', 'price-compare'],
      leader: undefined,
    });
  });

  it('ranks heard replies after unheard ones, as before, for an intent that asks no question (a yes, an objection)', () => {
    const heard = { ...basic, heard: true };
    const { rank } = rankReplies([heard, promo, compare], 'price-compare', false);
    expect([heard, promo, compare].sort((a, b) => rank.get(a.id)! - rank.get(b.id)!).map((r) => r.id)).toEqual([
      'price-compare',
      'price-promo',
      'price-basic',
    ]);
  });

  it('ranks as before for an intent that asks for no slot, and puts other languages last', () => {
    const plain = [reply('a'), reply('b', { ofIntent: false }), reply('c', { spoken: false }), reply('d')];
    expect(order(plain, 'd')).toEqual({ ids: ['d', 'a', 'b', 'c'], leader: 'd' });
    const foreign = reply('en-basic', { spoken: false, statesSlot: true, general: true });
    expect(order([compare, foreign]).ids).toEqual(['price-compare', 'en-basic']);
  });
});

describe('byAnswer', () => {
  const entry = (id: string, over: { rank?: number; lexical?: number; heard?: boolean; similarity?: number } = {}) => ({
    id,
    rank: 1,
    lexical: 0,
    heard: false,
    similarity: 0.5,
    ...over,
  });
  const sorted = (entries: ReturnType<typeof entry>[]) => [...entries].sort(byAnswer).map((e) => e.id);

  it('keeps a heard reply first when it shares more of the words than every unheard one (asked again)', () => {
    // 合约期多久 a second time: the contract line, heard, still shares 合约期.
    const contract = entry('contract', { lexical: 7.5, heard: true, similarity: 0.4 });
    const install = entry('install', { lexical: 1.6, similarity: 0.6 });
    const data = entry('data', { similarity: 0.7 });
    expect(sorted([data, install, contract])).toEqual(['contract', 'install', 'data']);
  });

  it('puts unheard before heard among replies that share the words equally (none at all, most often)', () => {
    const a = entry('a', { heard: true, similarity: 0.9 });
    const b = entry('b', { similarity: 0.3 });
    const c = entry('c', { similarity: 0.5 });
    expect(sorted([a, b, c])).toEqual(['c', 'b', 'a']);
  });

  it('never moves a reply out of its rank group', () => {
    const other = entry('other', { rank: 3, lexical: 9 });
    const heard = entry('own', { heard: true });
    expect(sorted([other, heard])).toEqual(['own', 'other']);
  });
});
