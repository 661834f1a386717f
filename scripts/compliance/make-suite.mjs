// Generates data/compliance/suite.jsonl, the labelled compliance suite, from the base phrases and
// evasion families below. Deterministic (no randomness): `node scripts/compliance/make-suite.mjs`.
// Each line: {id, direction, category, variant, family, text, verdict, spans:[{category, match, start, end}]}
//   family "deterministic": mechanical evasions the normaliser must undo (target recall ≥ 0.99)
//   family "variant": letter/homophone/pinyin variants (target recall ≥ 0.85)
//   family "control": must be allowed with no hits (false-positive controls, target FP ≤ 0.5%)
//   family "pii": PII true and checksum-false cases
import { writeFileSync } from 'node:fs';
import * as OpenCC from 'opencc-js/cn2t';

const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });
const out = [];
const add = (c) =>
  out.push({ id: `${c.category || 'control'}-${c.variant}-${String(out.length).padStart(4, '0')}`, ...c });

/** A hit spanning `phrase` inside `text` (first occurrence, UTF-16 offsets). */
const span = (category, text, phrase) => {
  const start = text.indexOf(phrase);
  if (start < 0) throw new Error(`${phrase} not in ${text}`);
  return { category, match: phrase, start, end: start + phrase.length };
};

/** A case whose one expected hit is `phrase` (of `category`) inside `text`. */
const hit = ({ direction, variant, family, verdict }, category, text, phrase) =>
  add({ direction, category, variant, family, text, verdict, spans: [span(category, text, phrase)] });
/** A case that must be allowed with no hits. */
const clean = ({ direction, variant, family }, text) =>
  add({ direction, category: '', variant, family, text, verdict: 'allow', spans: [] });

const ZH_CARRIERS = ['王经理说，{X}，您考虑一下。', '您好我们这款产品{X}欢迎了解'];
const EN_CARRIERS = ['Our advisor said: {X}, please consider it.', 'our plan has {X} for you'];

const between = (phrase, sep) => [...phrase].join(sep);
const isCjk = (s) => /\p{Script=Han}/u.test(s);
const fullWidth = (s) =>
  s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replace(/ /g, '\u3000');
const altCase = (s) => [...s].map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase())).join('');
const doubleHan = (s) => [...s].map((c) => (/\p{Script=Han}/u.test(c) ? c + c : c)).join('');

function evasions(phrase) {
  const zh = isCjk(phrase);
  const v = [
    ['plain', phrase],
    ['spacing', between(phrase, ' ')],
    ['punctuation', between(phrase, zh ? '、' : '.')],
    ['symbols', between(phrase, '*')],
    ['zero_width', between(phrase, '\u200b')],
    ['bidi', between(phrase, '\u200e')],
    ['soft_hyphen', between(phrase, '\u00ad')],
    ['fullwidth', fullWidth(phrase)],
  ];
  if (zh) {
    v.push(['traditional', toTraditional(phrase)]);
    v.push(['repeat', doubleHan(phrase)]);
  } else {
    v.push(['case', altCase(phrase)]);
    v.push(['upper', phrase.toUpperCase()]);
  }
  // Drop variants identical to the plain phrase (e.g. full width of pure CJK).
  return v.filter(([name, text], i) => i === 0 || text !== phrase || name === 'plain');
}

const CLAIMS = {
  guaranteed_return: {
    direction: 'output',
    zh: ['保本保息', '稳赚不赔', '零风险', '刚性兑付', '保证收益', '只赚不赔', '本金安全', '旱涝保收'],
    en: ['guaranteed returns', 'risk-free', 'principal protected', 'double your money', 'zero risk'],
    variants: [
      ['homophone', '稳砖不赔'],
      ['homophone', '温赚不赔'],
      ['letter', '0风险'],
      ['pinyin', 'baoben baoxi'],
      ['pinyin', 'wen zhuan bu pei'],
      ['homophone', '宝本保息'],
      ['homophone', '稳钻不赔'],
      ['letter', 'bb保息'],
    ],
  },
  absolute_claim: {
    direction: 'output',
    zh: ['国家级', '最高级', '最佳', '全网最低', '销量第一', '全国第一', '独一无二', '史上最低'],
    en: ['best in the world', 'lowest price', 'number one'],
    variants: [
      ['letter', 'No.1'],
      ['letter', 'NO1'],
    ],
  },
  education_guarantee: {
    direction: 'output',
    zh: ['保过', '包过', '不过退款', '保证录取', '包拿证', '100%通过'],
    en: ['guaranteed pass', 'pass guaranteed'],
    variants: [
      ['pinyin', 'bao guo'],
      ['letter', 'bao过'],
      ['letter', '包guo'],
    ],
  },
  insurance_as_deposit: {
    direction: 'output',
    zh: ['保险就是存款', '和存款一样', '相当于存款', '存款型保险', '比定期存款高'],
    en: ['same as a deposit', 'like a bank deposit'],
    variants: [],
  },
  contact_diversion: {
    direction: 'output',
    zh: ['加我微信', '私人微信', '加个微信', '微信私聊', '私下联系'],
    en: ['add me on wechat', 'my private number'],
    variants: [
      ['letter', 'V信'],
      ['letter', 'vx'],
      ['homophone', '薇信'],
      ['letter', 'wx'],
      ['homophone', '徽信'],
      ['pinyin', 'weixin'],
      ['letter', '加V'],
      ['letter', 'VX'],
      ['homophone', '威信号'],
      ['letter', '微❤'],
    ],
  },
  abuse: {
    direction: 'output',
    zh: ['傻逼', '王八蛋', '脑残', '滚蛋', '神经病'],
    en: ['asshole', 'bullshit', 'idiot', 'fuck off'],
    variants: [
      ['letter', 'SB'],
      ['letter', '傻B'],
      ['letter', 'cnm'],
      ['letter', 'f*ck'],
      ['homophone', '煞笔'],
      ['homophone', '草泥马'],
    ],
  },
  do_not_call: {
    direction: 'input',
    zh: ['别再打了', '不要再给我打', '把我的号码删了', '以后不要联系我', '别骚扰我'],
    en: ['stop calling me', 'do not call', 'take me off your list'],
    variants: [],
  },
};

const verdictFor = (direction, category) => (direction === 'output' && category !== 'do_not_call' ? 'block' : 'allow');

/** Every evasion of each phrase of `phrases`, in the carriers of its script, expected as a hit. */
function evasionCases(category, phrases, expected) {
  for (const phrase of phrases) {
    const carriers = isCjk(phrase) ? ZH_CARRIERS : EN_CARRIERS;
    for (const [variant, evaded] of evasions(phrase)) {
      carriers.forEach((carrier, ci) => {
        // The spaced-out Latin variants only in the punctuated carrier: "has g u a r …" is fine,
        // but the second carrier adds nothing new for them.
        if (ci === 1 && variant !== 'plain' && !isCjk(phrase)) return;
        hit({ ...expected, variant, family: 'deterministic' }, category, carrier.replace('{X}', evaded), evaded);
      });
    }
  }
}

for (const [category, def] of Object.entries(CLAIMS)) {
  const expected = { direction: def.direction, verdict: verdictFor(def.direction, category) };
  evasionCases(category, [...def.zh, ...def.en], expected);
  for (const [variant, phrase] of def.variants) {
    const text = (isCjk(phrase) ? ZH_CARRIERS[0] : EN_CARRIERS[0]).replace('{X}', phrase);
    hit({ ...expected, variant, family: 'variant' }, category, text, phrase);
  }
}

// Variants deliberately NOT in the lexicon: the recall figure on letter/homophone variants is
// only honest if the suite holds some the lexicon does not list.
for (const [category, phrase] of [
  ['guaranteed_return', '保笨保息'],
  ['guaranteed_return', '稳赚不陪'],
  ['contact_diversion', '薇芯'],
  ['contact_diversion', 'V❤'],
  ['education_guarantee', '饱过'],
  ['abuse', '傻13'],
]) {
  const unlisted = { direction: 'output', variant: 'unlisted', family: 'variant', verdict: 'block' };
  hit(unlisted, category, ZH_CARRIERS[0].replace('{X}', phrase), phrase);
}

// The input side sees customers' abuse and do-not-call requests: reported (flag), never blocked.
const INPUT_SIDE = { direction: 'input', variant: 'input_side', family: 'deterministic', verdict: 'allow' };
for (const [category, text, phrase] of [
  ['abuse', '你们这帮骗人的王八蛋', '王八蛋'],
  ['abuse', 'This is bullshit, stop it', 'bullshit'],
  ['do_not_call', '我说了别再打了，听到没有', '别再打了'],
  ['do_not_call', "Please don't call me again", "don't call me"],
]) {
  hit(INPUT_SIDE, category, text, phrase);
}

// Negation and disclosures: required risk statements must pass (output, allow, no hits).
const DISCLOSURES = [
  '本产品不保本，投资需谨慎。',
  '我们不承诺收益，请您理性投资。',
  '理财非存款，产品有风险，投资须谨慎。',
  '过往业绩不代表未来表现，本产品不保证收益。',
  '这款产品并非保本产品，存在亏损的可能。',
  '投资有风险，并非零风险，请您知悉。',
  '我们无法保证收益，具体以合同为准。',
  '这个课程不保过，需要您认真学习。',
  '保险不是存款，两者性质不同。',
  '请不要私下加微信，所有沟通都在官方渠道。',
  '本产品不是稳赚不赔的，请您注意风险。',
  'We cannot guarantee returns.',
  'This product is not risk-free.',
  'There are no guaranteed returns with this fund.',
  'Returns are not guaranteed and you may lose money.',
  'This is not a risk-free investment.',
  '不保本不保息，风险自担。',
  '本產品不保本，投資需謹慎。',
];
const CONTROLS = [
  '最近市场波动比较大，您可以先了解一下。',
  '这是我第一次听说这个产品。',
  '我上个月去过日本旅游。',
  '面包过期了，记得扔掉。',
  '我们为新客户准备了一份资料。',
  'The assessment takes about ten minutes.',
  'Please pass me the class schedule.',
  'Our assistant will send the brochure to your mailbox.',
  'I bought a massive bass guitar at the harbour.',
  'The compass and the passport are in the bag.',
  '这款产品的年化费率是0.6%，价格是1299元。',
  '活动时间是2024年5月1日到5月31日。',
  '您的订单号是202405011234567，请注意查收。',
  '订单号 6222020200000000000 已发货。',
  '验证码是384756，五分钟内有效。',
  '客服电话95588，工作时间9:00-18:00。',
  '请拨打10086咨询话费。',
  '会议定在2024-06-15 14:30。',
  'Your order #4532015112830366 has shipped.',
  'The price is $1,299.00 and the fee is 0.5%.',
  '我们公司成立于2008年，总部在上海。',
  '这款保险的保障期限是二十年。',
  '您可以关注我们的官方公众号了解详情。',
  '钱包过几天再给您寄过去。',
  '我把资料打包过去给您。',
  '红包过期会自动退回。',
  '最快明天就能到账。',
  '这是我们最新推出的产品。',
  '第一期的课程下周开始。',
  '日本和韩国的客户也很多。',
  '请问您最近方便吗？',
  '您的USB接口坏了吗？',
  'The shiitake mushrooms were cheap.',
  'Ask your classmate about the assignment.',
  '这款理财的业绩比较基准是3.5%。',
  '您好，我是平安银行的客户经理小王。',
  '请问您对基金定投有兴趣吗？',
  '保单生效后有十五天犹豫期。',
  '无风险利率是计算收益的基础。',
  '这个月的保本点大概在五千元。',
  '我们支持支付宝和银行卡支付。',
  '您可以在手机银行查看持仓。',
  'What is the best time to call you back?',
  'Thanks for your time, have a nice day.',
  '请问您贵姓？',
  '麻烦您稍等一下，我查一下。',
  '好的，我明白了，谢谢谢谢。',
  '哈哈哈，好的好的。',
];
const OUTPUT_CONTROL = { direction: 'output', variant: 'control', family: 'control' };
for (const text of DISCLOSURES) clean({ ...OUTPUT_CONTROL, variant: 'disclosure' }, text);
for (const text of CONTROLS) clean(OUTPUT_CONTROL, text);

// PII: true cases (redacted on input) and checksum-false / look-alike cases (allowed).
function idCard(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}
function luhnComplete(prefix) {
  for (let d = 0; d < 10; d++) {
    const n = prefix + d;
    let sum = 0;
    [...n].reverse().forEach((c, i) => {
      let x = Number(c);
      if (i % 2) {
        x *= 2;
        if (x > 9) x -= 9;
      }
      sum += x;
    });
    if (sum % 10 === 0) return n;
  }
  throw new Error('unreachable');
}
const badCheck = (n) => n.slice(0, -1) + String((Number(n.at(-1) === 'X' ? 0 : n.at(-1)) + 1) % 10);
const groups4 = (n) => n.replace(/(.{4})(?=.)/g, '$1 ');
const circled = (s) => s.replace(/[1-9]/g, (d) => String.fromCodePoint(0x2460 + Number(d) - 1)).replace(/0/g, '⓪');
const financial = (s) => s.replace(/\d/g, (d) => '零壹贰叁肆伍陆柒捌玖'[Number(d)]);

const PII_TRUE_CASE = { direction: 'input', variant: 'pii_true', family: 'pii', verdict: 'redact' };
const PII_FALSE_CASE = { direction: 'input', variant: 'pii_false', family: 'pii' };

const id1 = idCard('11010519491231002');
const id2 = idCard('44030619900101123');
const id3 = idCard('32010219851203456');
const card1 = luhnComplete('622202020000000000');
const card2 = luhnComplete('621700123456789');
const visa = '4111111111111111';
const PII_TRUE = [
  ['pii_mobile', '我的手机是13812345678，你打这个', '13812345678'],
  ['pii_mobile', '电话 138 1234 5678 找我', '138 1234 5678'],
  ['pii_mobile', '打138-1234-5678就行', '138-1234-5678'],
  ['pii_mobile', '我的号码+86 139 8765 4321', '+86 139 8765 4321'],
  ['pii_mobile', '号码是+8615912345678', '+8615912345678'],
  ['pii_mobile', '号码 0086 18612345678', '0086 18612345678'],
  ['pii_mobile', '手机１３８１２３４５６７８', '１３８１２３４５６７８'],
  ['pii_mobile', '我的手机' + financial('13912345678') + '记一下', financial('13912345678')],
  ['pii_mobile', '手机' + circled('13712345678') + '号', circled('13712345678')],
  ['pii_mobile', 'call me on 17712345678 tomorrow', '17712345678'],
  ['pii_id_card', `身份证号${id1}`, id1],
  ['pii_id_card', `我的身份证是${id2}。`, id2],
  ['pii_id_card', `ID ${id3} please`, id3],
  ['pii_id_card', `身份证 ${id1.slice(0, 17)}x 小写`, id1.slice(0, 17) + 'x'],
  ['pii_bank_card', `卡号${card1}转账`, card1],
  ['pii_bank_card', `银行卡 ${groups4(card2)} 谢谢`, groups4(card2)],
  ['pii_bank_card', `my card is ${visa}`, visa],
  ['pii_bank_card', `card ${groups4(visa)} ok`, groups4(visa)],
  ['pii_email', '邮箱是zhang.san@example.com谢谢', 'zhang.san@example.com'],
  ['pii_email', 'mail me at John_Doe+sales@mail.example.co.uk', 'John_Doe+sales@mail.example.co.uk'],
  ['pii_phone', 'reach me at +44 20 7946 0958', '+44 20 7946 0958'],
  ['pii_phone', 'my number is +1 415-555-2671', '+1 415-555-2671'],
  ['pii_phone', 'office (415) 555-2671 after six', '(415) 555-2671'],
  ['pii_phone', '座机010-12345678', '010-12345678'],
  ['pii_phone', '打0755-87654321找我', '0755-87654321'],
];
for (const [category, text, match] of PII_TRUE) hit(PII_TRUE_CASE, category, text, match);

const PII_FALSE = [
  // A bad check digit is no ID without an ID label (after one it is: see the lexicon-claims cases).
  `编号${badCheck(id1)}`,
  `单据 ${badCheck(id2)}`,
  // Nor a card without a card label; after one (卡号, card) it is a card whatever its check digit
  // (ASR mishears digits): these two were controls before that, kept in place so later ids stay.
  ['pii_bank_card', `卡号${badCheck(card1)}`, badCheck(card1)],
  ['pii_bank_card', `card ${badCheck(visa)}`, badCheck(visa)],
  '号码是12812345678',
  '订单号 ' + luhnComplete('622202020000000001'),
  '快递单号：' + card2,
  '验证码 123456',
  '取件码 8-3-1204',
  '金额 13,812.50 元',
  '日期 2024-05-01，编号 A-1029',
  '版本号 1.13.8 已发布',
  '房间号 1381',
  'reference no. 4111111111111111',
  'call +1 123-456-7890 now',
];
for (const c of PII_FALSE)
  if (typeof c === 'string') clean(PII_FALSE_CASE, c);
  else hit(PII_TRUE_CASE, ...c);

// Audit fixes (appended, so earlier ids stay stable). Each text reproduced a confirmed bug.
const card3 = '6217000013812345673'; // Luhn-valid, holds the mobile-shaped run 13812345678
// PII after a label: checksum-validated numbers are PII whatever the label; a mobile is skipped
// only right after an order/reference label, never after no./#/编号 or a PII word.
const PII_TRUE_AUDIT = [
  ['pii_mobile', 'my phone no. 13812345678', '13812345678'],
  ['pii_mobile', 'casino 13812345678', '13812345678'],
  ['pii_mobile', '手机号#13812345678', '13812345678'],
  ['pii_mobile', '联系电话编号13812345678', '13812345678'],
  ['pii_mobile', '订单联系手机 13812345678', '13812345678'],
  ['pii_id_card', `身份证编号${id1}`, id1],
  ['pii_id_card', `ID no. ${id2}`, id2],
  ['pii_bank_card', 'card no. 4111 1111 1111 1111', '4111 1111 1111 1111'],
  ['pii_bank_card', `银行卡编号${card1}`, card1],
  // Grouped numbers masked whole, not as a mobile inside them.
  ['pii_bank_card', `卡号${groups4(card3)}`, groups4(card3)],
  ['pii_id_card', `身份证 110105 1949 1231 002X`, '110105 1949 1231 002X'],
  ['pii_id_card', `身份证 1101 0519 4912 3100 2X`, '1101 0519 4912 3100 2X'],
  // Mobile separator runs and numerals.
  ['pii_mobile', 'call me at 1 3 8 1 2 3 4 5 6 7 8', '1 3 8 1 2 3 4 5 6 7 8'],
  ['pii_mobile', '138  1234  5678', '138  1234  5678'],
  ['pii_mobile', '138 - 1234 - 5678', '138 - 1234 - 5678'],
  ['pii_mobile', '(138)1234-5678', '(138)1234-5678'],
  ['pii_mobile', '138.1234.5678', '138.1234.5678'],
  ['pii_mobile', '138，1234，5678', '138，1234，5678'],
  ['pii_mobile', '138/1234/5678', '138/1234/5678'],
  ['pii_mobile', '我的手机1三8一2三4五6七8', '1三8一2三4五6七8'],
  ['pii_mobile', '号码幺三八一二三四五六七八', '幺三八一二三四五六七八'],
];
for (const [category, text, match] of PII_TRUE_AUDIT) hit(PII_TRUE_CASE, category, text, match);
const PII_FALSE_AUDIT = [
  '订单号 13812345678',
  '快递单号：13912345678',
  'order no. 13812345678',
  'ref: 13812345678',
  'tracking # 13812345678',
  '保单号13812345678',
  '合同编号 13812345678',
  '金额 13,812,345,678 元',
  '利率 13.812345678%',
  '服务器 139.123.456.78',
  '网速 138.5 Mbps，延迟 12 ms',
  '会议 2024.05.01 13:30，第1、3、8号房间',
  '第一次见面，三个人一起',
];
for (const text of PII_FALSE_AUDIT) clean(PII_FALSE_CASE, text);

// Do-not-call on the input side: 打 must be the call, and 退订 (unsubscribe) is a request unless
// a product is what is cancelled (退订套餐: a product question).
for (const [text, phrase] of [
  ['我要退订', '退订'],
  ['退订', '退订'],
  ['回复TD退订', '回复TD退订'],
  ['这种短信我要退订，谢谢', '退订'],
  ['怎么退订你们的电话', '退订'],
  ['你们不要再打电话了', '不要再打电话'],
  ['别再打过来了行吗', '别再打过来'],
  ['以后不要再打给我', '不要再打给我'],
  ['别再打扰我了', '别再打扰我'],
  ['Please opt me out', 'opt me out'],
  ['我已经拒绝过了，不要再打', '不要再打'],
])
  hit(INPUT_SIDE, 'do_not_call', text, phrase);
for (const text of [
  '你们的套餐不要再打折了吗？还有优惠吗',
  '我不要再打游戏了',
  '别再打扰你了吧',
  '退订套餐怎么办理',
  '我想退订这个套餐，换个便宜的',
  '流量包退订以后还能用吗',
  '我不想退订，只是问问',
  '孩子别再打游戏了，快去写作业',
  '你们下个月还打折吗？别打折了就涨价',
])
  clean({ direction: 'input', variant: 'control', family: 'control' }, text);

// Kinship words written doubled are words, not repeats to collapse (妈妈的 ⊅ 妈的, 宝宝本 ⊅ 宝本).
for (const text of [
  '这份保险可以作为送给妈妈的礼物',
  '可以给你妈妈也买一份，家人都有保障',
  '这款少儿险是给宝宝本人投保的',
  '您和您爸爸妈妈的保单可以一起办理',
  '给你哥哥姐姐也看看这个方案',
])
  clean(OUTPUT_CONTROL, text);
for (const [category, text, phrase] of [
  ['abuse', '你妈妈妈的', '你妈妈妈的'],
  ['abuse', '你们这帮人，妈 妈的', '妈 妈的'],
]) {
  hit({ direction: 'output', variant: 'repeat', family: 'deterministic', verdict: 'block' }, category, text, phrase);
}

// 〇 is a zero (〇风险 = 0风险); 不过 before a refund remark means "however".
hit(
  { direction: 'output', variant: 'letter', family: 'deterministic', verdict: 'block' },
  'guaranteed_return',
  '这款产品〇风险，您放心',
  '〇风险',
);
for (const text of ['不过退款到账需要3到5个工作日', '可以申请，不过退款流程要走一周']) clean(OUTPUT_CONTROL, text);

// Second audit (appended, so earlier ids stay stable): evasions and claims the first left open.
/** hit() and clean() for one audit's cases: output unless said, labelled with the audit's variant. */
const auditCases = (variant) => ({
  auditHit: (category, text, phrase, direction = 'output') =>
    hit(
      { direction, variant, family: 'deterministic', verdict: verdictFor(direction, category) },
      category,
      text,
      phrase,
    ),
  auditClean: (text, direction = 'output') => clean({ direction, variant, family: 'control' }, text),
});
const { auditHit: audit2Hit, auditClean: audit2Clean } = auditCases('audit2');

// 1. Spelled out next to a one-letter word (a, I, u) or with a letter slipped between characters.
audit2Hit('guaranteed_return', 'it is a r i s k - f r e e plan', 'r i s k - f r e e');
audit2Hit('guaranteed_return', 'I g u a r a n t e e d returns, trust me', 'g u a r a n t e e d returns');
audit2Hit('guaranteed_return', 'our plan is r i s k f r e e a plan', 'r i s k f r e e');
audit2Hit('abuse', 'u r a n i d i o t', 'i d i o t');
audit2Hit('guaranteed_return', '这款产品保x本保息，您放心', '保x本保息');
audit2Hit('guaranteed_return', '这款产品零a风险，您放心', '零a风险');
audit2Hit('guaranteed_return', '买了就是稳K赚不赔', '稳K赚不赔');
audit2Hit('contact_diversion', '有问题加x微信聊', '加x微');
for (const text of [
  'Please spell it: c l a s s',
  'p a s s word is on the card',
  '我们公司是国家A级纳税人',
  '这款T恤和A股没有关系',
  'B超检查的费用可以报销',
])
  audit2Clean(text);

// 2. Double negation: 不可能不赚钱 and 没有不保本的 are promises; a single negation stays a disclosure.
audit2Hit('guaranteed_return', '这款产品没有不保本的', '保本');
audit2Hit('guaranteed_return', '我们的理财不是不保本', '保本');
audit2Hit('guaranteed_return', '这个项目不可能不赚钱', '不可能不赚');
audit2Hit('guaranteed_return', '买了就没有不赚的', '没有不赚');
audit2Hit('guaranteed_return', "You can't not make money with this plan", "can't not make money");
audit2Hit('guaranteed_return', 'You cannot fail to make money here', 'cannot fail to make money');
for (const text of [
  'We do not guarantee returns.',
  '我们不保证收益，请理性投资。',
  '没有，不保本的产品风险更高，请您注意。',
  '不要相信所谓保本的说法。',
  '这款产品并不是零风险的。',
])
  audit2Clean(text);

// 3. Disparaging competitors (false or disparaging statements about other firms).
for (const [text, phrase] of [
  ['X公司的产品都是骗人的', '都是骗人的'],
  ['别家就是皮包公司，您可别上当', '皮包公司'],
  ['那家公司快倒闭了，钱都取不出来', '快倒闭了'],
  ['他们就是黑心公司', '黑心公司'],
  ['Their products are junk, buy ours', 'products are junk'],
  ['That firm is a scam company', 'scam company'],
])
  audit2Hit('competitor_disparagement', text, phrase);
for (const text of [
  '我们不是骗子公司，是持牌机构。',
  '请警惕皮包公司的虚假宣传。',
  '各家公司的产品各有特点，您可以比较一下。',
  'This is not a scam company.',
  'Compared with other banks, our fee is 0.5% lower.',
])
  audit2Clean(text);

// 4. Cyrillic/Greek look-alikes and leetspeak inside English claims.
audit2Hit('guaranteed_return', 'Our fund offers gu\u0430ranteed returns', 'gu\u0430ranteed returns');
audit2Hit('guaranteed_return', 'This plan is risk-fr\u0435\u0435', 'risk-fr\u0435\u0435');
audit2Hit('guaranteed_return', 'It is r\u0456sk-free for you', 'r\u0456sk-free');
audit2Hit('guaranteed_return', 'A gu\u03b1r\u03b1nteed return', 'gu\u03b1r\u03b1nteed return');
audit2Hit('guaranteed_return', 'Our fund offers gu4ranteed returns', 'gu4ranteed returns');
audit2Hit('guaranteed_return', 'This plan is r1sk-free', 'r1sk-free');
audit2Hit('guaranteed_return', 'This plan is ri$k-fr33', 'ri$k-fr33');
audit2Hit('guaranteed_return', 'Totally gu@r@nteed returns', 'gu@r@nteed returns');
audit2Hit('abuse', 'you are a b1tch', 'b1tch');
for (const text of [
  'A5纸和5B铅笔都准备好了',
  '请在4S店做保养',
  'Our 3am slot and the iPhone 15 Pro offer',
  'Спасибо, до свидания',
  'Tickets cost $5 each and 4 of us are going',
])
  audit2Clean(text);

// 5. Do-not-call: 不要再打 / 别再打 end a clause when they ask to stop calling; an exception
// (不要再打折) only counts inside one clause.
for (const [text, phrase] of [
  ['别再打，折腾死我了', '别再打'],
  ['不要再打，打折也不要', '不要再打，打'],
  ['不要再打了，打折也不要', '不要再打了'],
  ['我很忙，别再打啦！', '别再打'],
  ['不要再打这个电话', '不要再打这个电话'],
])
  audit2Hit('do_not_call', text, phrase, 'input');
for (const text of ['你们不要再打折了吗', '能不能别再打八折了，直接打五折', '不要再打这么低的折扣了'])
  audit2Clean(text, 'input');

// Third audit (appended, so earlier ids stay stable): typos, 1 | ! for l and i, digits slipped
// between characters, and competitor disparagement scoped to a competitor subject.
const { auditHit: audit3Hit, auditClean: audit3Clean } = auditCases('audit3');

// 1. One edit inside an English lexicon word: any edit from 6 letters, a doubled letter or two
// swapped neighbours in 4-5 letters; never a word that is itself English (scamper, slowest, rusk).
audit3Hit('guaranteed_return', 'Our fund offers guarxanteed returns', 'guarxanteed returns');
audit3Hit('guaranteed_return', 'Our fund offers gauranteed returns', 'gauranteed returns');
audit3Hit('guaranteed_return', 'Our fund offers guaranted returns', 'guaranted returns');
audit3Hit('guaranteed_return', 'Our fund offers guaranteed retunrs', 'guaranteed retunrs');
audit3Hit('guaranteed_return', 'This plan is risk-frree', 'risk-frree');
audit3Hit('guaranteed_return', 'This plan is rsik-free', 'rsik-free');
audit3Hit('guaranteed_return', 'There is no riskk at all', 'no riskk at all');
audit3Hit('abuse', 'what a stupidd question', 'stupidd');
for (const text of [
  'The kids scamper around the store.',
  'This is the slowest price increase in years.',
  'These biscuits are rusk-free.',
  'A disk-free backup comes with the plan.',
  '给baobei买一份少儿险吧',
  'The loss-making branch closed in 2019.',
  'There was no loss of signal during the upgrade.',
])
  audit3Clean(text);

// 2. 1, | and ! for l or i (whichever reads as a lexicon word), 0 for o.
audit3Hit('guaranteed_return', 'Our fund is guaranteed 1oss-free', '1oss-free');
audit3Hit('guaranteed_return', 'This plan is r!sk-free', 'r!sk-free');
audit3Hit('guaranteed_return', 'This plan is r|sk-free', 'r|sk-free');
audit3Hit('guaranteed_return', 'There is no |oss at all', 'no |oss at all');
audit3Hit('guaranteed_return', 'It is zer0 risk for you', 'zer0 risk');
for (const text of [
  'Great!Let us check your plan.',
  'Option A|B both include free calls.',
  'Press 1 to report a loss.',
])
  audit3Clean(text);

// 3. A lone digit slipped between two characters is dropped, unless it counts a unit (年 折 级 …)
// or follows 第: real numbers are neither flagged nor mangled.
audit3Hit('guaranteed_return', '这款产品保1本保息，您放心', '保1本保息');
audit3Hit('guaranteed_return', '这款产品保1本，您放心', '保1本');
audit3Hit('guaranteed_return', '买了就是稳9赚不赔', '稳9赚不赔');
audit3Hit('guaranteed_return', '这款产品零8风险', '零8风险');
audit3Hit('guaranteed_return', '这款产品保 本 保 息，放心买', '保 本 保 息');
for (const text of [
  '本产品近一年年化3%，业绩比较基准仅供参考。',
  '全场5折，会员再享9折优惠。',
  '购买即享2年保修服务。',
  '我们是国家1级资质企业。',
  '第3期课程下周开始。',
  '首月1元体验，我们提供7天无理由退货。',
  '套餐含2张副卡和3个月会员。',
])
  audit3Clean(text);

// 4. Competitor disparagement needs a competitor subject in the same sentence before the hit; a
// warning against impersonation scams is legitimate.
for (const [text, phrase] of [
  ['别家的产品啊，都是骗人的', '都是骗人的'],
  ['中国移动的套餐都是坑人的', '都是坑人的'],
  ['他们家快倒闭了，您赶紧转过来', '快倒闭了'],
  ['Other carriers are a scam.', 'are a scam'],
  ['Our competitors are crooks', 'are crooks'],
])
  audit3Hit('competitor_disparagement', text, phrase);
for (const text of [
  '冒充客服的电话都是骗人的，请您注意。',
  '陌生短信里的中奖链接都是骗人的。',
  '冒充银行要您转账的都是骗子，请挂断。',
  'Calls asking for your PIN are a scam, please hang up.',
  '别家的号码也能转过来。陌生电话说中奖的都是骗人的。',
])
  audit3Clean(text);
audit3Clean('my friend said you guys are a scam', 'input');

// False verdicts found after the third audit (appended): a pronoun that resumes someone who is no
// competitor, a digit after a word that ends there (确保1本), a 1 that is a letter of a word (1oss).
const { auditHit: fvHit, auditClean: fvClean } = auditCases('false-verdicts');

// 1. 他们/they is the competitor unless it resumes another referent (有人, 陌生人, 冒充 …) from an
// earlier clause of its sentence with no firm named nearer.
for (const [text, phrase] of [
  ['他们家的产品都是骗人的', '都是骗人的'],
  ['别家公司？他们都是骗子', '都是骗子'],
  ['有人说他们都是骗子', '都是骗子'],
  ['如果有人问，那家公司啊，他们都是骗子', '都是骗子'],
  ['别人家的产品，他们都是骗人的', '都是骗人的'],
])
  fvHit('competitor_disparagement', text, phrase);
for (const text of [
  '如果有人让您转账，他们都是骗子',
  '要是有陌生人打电话让您转账，他们都是骗子，请直接挂断',
  '冒充客服的人打来要验证码，他们都是骗子',
  'Strangers, they are crooks.',
])
  fvClean(text);

// 2. A digit after a word that ends there (确保, 担保, 环保) is a number, not a slipped character.
fvHit('guaranteed_return', '我们保1本，您放心', '保1本');
fvHit('guaranteed_return', '这款产品保 1 本，您放心', '保 1 本');
fvHit('guaranteed_return', '绝对保1本保息', '保1本保息');
for (const text of ['请确保1本护照在手。', '每位学员确保 1 本教材。', '由公司担保1本合同的履行。']) fvClean(text);

// 3. A 1 that spells a word with the letters after it (1oss) is a letter, not the number one.
fvHit('guaranteed_return', 'There is no 1oss at all', 'no 1oss at all');
fvHit('absolute_claim', 'We are No1 in the market', 'No1');
fvHit('absolute_claim', 'We are number 1 in the market', 'number 1');
fvHit('absolute_claim', 'We are No.1choice for families', 'No.1');
fvClean('There was no 1oss of signal during the upgrade.');

// A two-character pattern that is the seam of two words by ICU's word breaker (确保|本次 ⊅ 保本,
// 环保|本色) is no hit; the claims around it stay, and so do matches with another word on one side only.
const { auditHit: seamHit, auditClean: seamClean } = auditCases('word-seams');
seamHit('guaranteed_return', '这款产品保本，您放心', '保本');
seamHit('guaranteed_return', '这个是真保本的', '保本');
seamHit('guaranteed_return', '我们确保本金不受损失', '保本金');
seamHit('guaranteed_return', '由银行担保本息，到期兑付', '保本息');
seamHit('education_guarantee', '专业辅导，确保过关', '确保过关');
seamHit('guaranteed_return', '买了这个包赚钱', '包赚');
seamHit('abuse', '你快去死了吧', '去死');
for (const text of [
  '我们会确保本次活动的信息真实有效。',
  '坚持环保本色，绿色出行。',
  '请确保本人到场办理。',
  '公司积极品牌建设，服务更贴心。',
  '红包赚钱的活动已经结束了。',
])
  seamClean(text);

// Telecom sales claims (appended): absolute service guarantees, guaranteed savings and false urgency,
// every evasion of their phrases, the exploratory test's sentences, and hedged or factual controls.
const TELECOM_CLAIMS = {
  service_guarantee: {
    zh: ['永不掉线', '100%不掉线', '百分百保证', '保证您每月省'],
    en: ['100% uptime', 'guaranteed speeds', 'speeds are guaranteed'],
  },
  false_urgency: {
    zh: ['最后一天优惠', '不办就没了', '仅限今天', '错过今天就没'],
    en: ['offer ends today', 'last chance to'],
  },
};
for (const [category, def] of Object.entries(TELECOM_CLAIMS))
  evasionCases(category, [...def.zh, ...def.en], { direction: 'output', verdict: 'block' });
const { auditHit: telecomHit, auditClean: telecomClean } = auditCases('telecom-claims');
/** An output case of the telecom claims with several expected hits of one category. */
const telecomHits = (category, text, phrases) =>
  add({
    direction: 'output',
    category,
    variant: 'telecom-claims',
    family: 'deterministic',
    text,
    verdict: 'block',
    spans: phrases.map((p) => span(category, text, p)),
  });
// overlapping hits of one category are reported as one
telecomHits('service_guarantee', '本套餐保证100%不掉线', ['保证100%不掉线']);
telecomHits('service_guarantee', '网速100%保证千兆，永不掉线', ['100%保证', '永不掉线']);
telecomHits('service_guarantee', 'Speeds are guaranteed at 1000 Mbps, 100% uptime', [
  'Speeds are guaranteed',
  '100% uptime',
]);
telecomHits('service_guarantee', '只要今天办理，我们保证您每月省200元', ['保证您每月省']);
telecomHits('false_urgency', '这是最后一天优惠，今天不办就没了', ['最后一天优惠', '不办就没了']);
telecomHit('false_urgency', '今天不办就没了', '不办就没了');
telecomHit('service_guarantee', '本套餐保证不掉线', '保证不掉线', 'input');
for (const text of [
  '网络稳定，很少掉线',
  '优惠活动到月底',
  '我们会尽量保证网速',
  '我们不能保证100%不掉线，信号受环境影响。',
  '办理需缴纳100%保证金。',
  '优惠活动截止到本月31日，您可以慢慢考虑。',
  'We cannot guarantee 100% uptime.',
  'The offer runs until the end of the month.',
])
  telecomClean(text);

// An ID label makes an 18-digit run an ID whatever its check digit (one digit misheard by ASR);
// a US SSN only with its label.
const PII_LABELLED = [
  ['pii_id_card', `身份证号${badCheck(id1)}`, badCheck(id1)],
  ['pii_id_card', `我的身份证是${badCheck(id2)}。`, badCheck(id2)],
  ['pii_id_card', `证件号：${badCheck(id3)}`, badCheck(id3)],
  ['pii_id_card', `my ID number is ${badCheck(id3)}`, badCheck(id3)],
  ['pii_ssn', 'my SSN is 123-45-6789', '123-45-6789'],
  ['pii_ssn', 'social security number: 078 05 1120', '078 05 1120'],
];
for (const [category, text, match] of PII_LABELLED) hit(PII_TRUE_CASE, category, text, match);
add({
  ...PII_TRUE_CASE,
  category: 'pii_id_card',
  text: '我的手机号是13912345678，身份证号110101199003071234',
  spans: [
    span('pii_mobile', '我的手机号是13912345678，身份证号110101199003071234', '13912345678'),
    span('pii_id_card', '我的手机号是13912345678，身份证号110101199003071234', '110101199003071234'),
  ],
});
for (const text of [badCheck(id1), `编号 ${badCheck(id3)}`, '123-45-6789', 'part 123-45-6789 in stock'])
  clean(PII_FALSE_CASE, text);

// Abusive callers (appended, so earlier ids stay stable): telling the caller to get lost or be quiet,
// screened on the input side, where the dialogue acts on it (calming line, then hangup). 滚 and 闭嘴
// are a hit only as a clause of their own or after 你/快/给我; each with controls that hold the
// characters innocently (滚动, 利滚利, 神经病变 in a medical question, "shut up shop").
const { auditHit: abuseGapHit, auditClean: abuseGapClean } = auditCases('abuse-gaps');
for (const [text, phrase] of [
  ['滚', '滚'],
  ['滚！', '滚'],
  ['滚吧，别烦我', '滚'],
  ['滚滚滚', '滚滚滚'],
  ['你给我滚', '给我滚'],
  ['快滚吧', '快滚'],
  ['滚出去！', '滚出去'],
  ['你给我滚出去', '给我滚出去'],
  ['滚犊子', '滚犊子'],
  ['闭嘴', '闭嘴'],
  ['你闭嘴吧', '你闭嘴'],
  ['你神经病啊', '神经病'],
  ['你去死吧', '去死'],
  ['piss off', 'piss off'],
  ['Shut up!', 'Shut up'],
  ['go to hell, you scammers', 'go to hell'],
  ['screw you', 'screw you'],
])
  abuseGapHit('abuse', text, phrase, 'input');
for (const text of [
  '页面一直滚动，看不到价格',
  '滚筒洗衣机送不送',
  '这是不是利滚利的贷款',
  '车轮滚滚',
  '雪球越滚越大',
  '把球给我滚过来',
  '在地上打滚',
  '滚烫的水',
  '我有糖尿病周围神经病变，能买保险吗',
  '神经病学专家说要多休息',
  '我下个月去死海旅游',
  '他让我闭嘴了',
  'We shut up shop at five',
  'screw your cap on tightly',
])
  abuseGapClean(text, 'input');

// AI disclosure (appended): a caller asking whether they talk to a bot (bot_question, input: the
// dialogue answers with its disclosure script) and a bot claiming to be human (claims_human, output:
// blocked). Every evasion of the core phrases, the common phrasings and ASR variants, and controls:
// products named robot, a caller saying "I'm not a robot", questions about recording the call.
const DISCLOSURE_CLAIMS = {
  bot_question: {
    direction: 'input',
    zh: ['你是机器人吗', '你是真人吗', '是不是录音'],
    en: ['are you a robot', 'is this a recording'],
  },
  claims_human: { direction: 'output', zh: ['我是真人', '我不是机器人'], en: ["I'm a real person", "I'm not a bot"] },
};
for (const [category, def] of Object.entries(DISCLOSURE_CLAIMS))
  evasionCases(category, [...def.zh, ...def.en], {
    direction: def.direction,
    verdict: verdictFor(def.direction, category),
  });
const { auditHit: botHit, auditClean: botClean } = auditCases('ai-disclosure');
for (const [text, phrase] of [
  ['你是不是机器人啊', '是不是机器人'],
  ['喂，你是机器人吧', '你是机器人'],
  ['你是機器人嗎', '你是機器人嗎'],
  ['你是真人还是机器人', '你是真人还是机器'],
  ['这是真人吗', '是真人吗'],
  ['是AI吗', '是AI吗'],
  ['你是 A I 吧', '你是 A I'],
  ['是不是人工智能啊', '是不是人工智能'],
  ['你们这是放录音吧', '是放录音'],
  ['是录音吗', '是录音吗'],
  ['你是人工客服吗', '你是人工客服吗'],
  ['是机器人打的电话吗', '机器人打的'],
  ['你是机器仁吧', '你是机器仁'],
  ['是人工只能吗', '人工只能吗'],
  ['Are you a bot?', 'Are you a bot'],
  ['am I talking to a real person', 'talking to a real person'],
  ['Am I speaking with a human?', 'speaking with a human'],
  ['is this a robocall', 'is this a robocall'],
  ['are you an A.I.?', 'are you an A.I'],
  ['are you real?', 'are you real'],
  ["you're a bot, aren't you", "you're a bot"],
  ['r u a bot', 'r u a bot'],
  ['are you a human or a robot', 'are you a human or a robot'],
])
  botHit('bot_question', text, phrase, 'input');
// A caller saying they are human asks nothing: only the output claim's category, flagged on input.
botHit('claims_human', "I'm not a robot", "I'm not a robot", 'input');
botHit('claims_human', '我不是机器人，我就问问价格', '我不是机器人', 'input');
for (const [text, phrase] of [
  ['我是真人客服，您放心', '我是真人'],
  ['您放心，我不是机器人哦', '我不是机器人'],
  ['我是人工客服小王', '我是人工'],
  ['我 是 真 人', '我 是 真 人'],
  ['I am a real person, I promise.', 'I am a real person'],
  ["Don't worry, I'm human.", "I'm human"],
  ['Im not a robot, just a friendly agent', 'Im not a robot'],
  ["Rest assured, I'm a live agent.", "I'm a live agent"],
])
  botHit('claims_human', text, phrase);
for (const text of [
  '机器人扫地机多少钱',
  '你们有扫地机器人吗',
  '我家的扫地机器人连不上网',
  '这个通话有录音吗',
  '是自动续费的吗',
  '手机有语音助手吗',
  '宽带是人工安装吗',
  '我要找真人',
  'How much is the robot vacuum?',
  'Do you sell robot vacuums?',
  'are you really sure about the price',
  'Is this a real offer?',
  'The chatbot on your website was useless',
])
  botClean(text, 'input');
for (const text of [
  '我是星河通信的智能语音助手，不是真人。您想跟人工客服聊的话，随时跟我说。',
  '我是人工智能助手，不是真人。',
  "I'm Xinghe Telecom's automated assistant, not a person. If you'd like a human agent, just say so.",
  "You asked if I'm a real person: I'm an automated assistant.",
  '好的，我这就为您转接人工客服，请稍等片刻。',
  'Of course, I will transfer you to a human agent now.',
  '扫地机器人不在这次活动里。',
])
  botClean(text);

// Goodbye: a caller's closing phrases, screened on the input side, where the dialogue ends the call
// when the utterance holds nothing else (好的，再见). Hits at a clause end only, so a closing inside a
// request (再见之前 …, "goodbye to high bills") and a plea to stay on the line (别挂了) are none.
const { auditHit: goodbyeHit, auditClean: goodbyeClean } = auditCases('goodbye');
for (const [text, phrase] of [
  ['再见', '再见'],
  ['好的，再见', '再见'],
  ['好吧，那再见', '再见'],
  ['拜拜', '拜拜'],
  ['嗯好的拜拜', '好的拜拜'],
  ['先这样吧再见', '先这样吧再见'],
  ['我先挂了啊', '我先挂了'],
  ['不聊了', '不聊了'],
  ['那就这样吧', '就这样'],
  ['下次再聊', '再聊'],
  ['再見！', '再見'],
  ['bye', 'bye'],
  ['Goodbye!', 'Goodbye'],
  ['ok thanks, bye', 'bye'],
  ['Bye-bye!', 'Bye-bye'],
  ['talk to you later', 'talk to you later'],
  ['sorry, I have to go', 'I have to go'],
])
  goodbyeHit('goodbye', text, phrase, 'input');
for (const text of [
  '再见之前我想问一下价格',
  '你先别挂了，我问一下',
  '别挂了',
  '我不挂，你说',
  '这个套餐怎么挂失',
  'bye the way, how much is it',
  'goodbye to high bills?',
  'say goodbye to slow internet',
  'who will take care of the installation',
  'I will buy it',
  '拜拜佛保平安',
  '礼拜天装机可以吗',
])
  goodbyeClean(text, 'input');

// PII as a telephony ASR delivers it (appended, so earlier ids stay stable): a card number after a
// card label whatever its check digit, numbers spoken in Chinese numerals or grouped by the pauses
// ASR writes as commas, an ID's X read as 叉, spoken e-mail addresses; and look-alikes that stay.
const ASR_PII_CASE = { ...PII_TRUE_CASE, variant: 'asr_pii' };
const ASR_PII_FALSE = { ...PII_FALSE_CASE, variant: 'asr_pii' };
const card4 = badCheck(luhnComplete('622202020011223344')); // Luhn fails
const visaBad = badCheck(visa);
const zhDigits = (s) => s.replace(/\d/g, (d) => '零一二三四五六七八九'[Number(d)]);
for (const [category, text, match] of [
  ['pii_bank_card', `我的银行卡号是${card4}`, card4],
  ['pii_bank_card', `银行卡 ${groups4(card4)} 谢谢`, groups4(card4)],
  ['pii_bank_card', `信用卡号：${groups4(visaBad)}`, groups4(visaBad)],
  ['pii_bank_card', `储蓄卡是${card4.replace(/(.{4})(?=.)/g, '$1，')}`, card4.replace(/(.{4})(?=.)/g, '$1，')],
  ['pii_bank_card', `卡号${zhDigits(card4)}`, zhDigits(card4)],
  ['pii_bank_card', `扣款用这张卡 ${card4}`, card4],
  ['pii_bank_card', `建行卡 ${card4}`, card4],
  ['pii_bank_card', `my card number is ${groups4(visaBad)}`, groups4(visaBad)],
  ['pii_bank_card', `credit card ${visaBad}, expires next year`, visaBad],
  ['pii_bank_card', `I want to pay with my card, the number is ${groups4(visaBad)}`, groups4(visaBad)],
  ['pii_bank_card', `用我的银行卡，号码是${card4}`, card4],
  ['pii_mobile', '好的，我的手机号是138 0013 8000，你们明天上午打给我吧', '138 0013 8000'],
  ['pii_mobile', '打这个138-0013-8000找我', '138-0013-8000'],
  ['pii_mobile', '我的电话是幺三八零零幺三八零零零，记一下', '幺三八零零幺三八零零零'],
  ['pii_mobile', '电话一三八，零零一三，八零零零', '一三八，零零一三，八零零零'],
  ['pii_id_card', '身份证号 110105，19491231，002X', '110105，19491231，002X'],
  ['pii_id_card', `身份证号${zhDigits(id1.slice(0, 17))}叉`, `${zhDigits(id1.slice(0, 17))}叉`],
  [
    'pii_id_card',
    `my ID number is ${id1.slice(0, 6)} ${id1.slice(6, 14)} ${id1.slice(14, 17)}x`,
    `${id1.slice(0, 6)} ${id1.slice(6, 14)} ${id1.slice(14, 17)}x`,
  ],
  ['pii_email', 'my email is john dot doe at gmail dot com', 'john dot doe at gmail dot com'],
  ['pii_email', '我的邮箱是zhangsan艾特qq点com，谢谢', 'zhangsan艾特qq点com'],
  ['pii_email', '邮箱 zhangsan at 163 dot com', 'zhangsan at 163 dot com'],
  ['pii_email', 'send it to john.doe @ gmail.com please', 'john.doe @ gmail.com'],
])
  hit(ASR_PII_CASE, category, text, match);
{
  const text = `好的，手机号138 0013 8000，银行卡号${card4}，邮箱zhangsan艾特qq点com，你们什么时候来装？`;
  add({
    ...ASR_PII_CASE,
    category: 'pii_bank_card',
    text,
    spans: [
      span('pii_mobile', text, '138 0013 8000'),
      span('pii_bank_card', text, card4),
      span('pii_email', text, 'zhangsan艾特qq点com'),
    ],
  });
}
for (const text of [
  `订单号 ${card4}`,
  `信用卡订单号 ${card4}`,
  `the order number is ${visa}`,
  `paid by card, the order number is ${visa}`,
  '千兆宽带套餐每月199元，信用卡支付也可以',
  '信用卡还款日是每月15号',
  '用信用卡付了 12,999 元',
  '银行卡余额 1,234,567,890,123 元',
  '信用卡账单 2024.05.01-2024.05.31',
  '信用卡 2024-05-01 到期',
  '卡号后四位是1234',
  '银行卡尾号 3344，手机尾号 8000',
  'my card ends in 1111',
  'card expires 12/27',
  '信用卡积分 12000 分',
  'I saw it at amazon dot com',
  'look at this dot com',
  '我三点到，我们在星巴克见',
])
  clean(ASR_PII_FALSE, text);

// Round two (appended, so earlier ids stay stable): US and UK numbers in national format, and
// look-alikes that stay (references, dates, times, amounts, years, impossible numbers, Chinese text);
// common abuse (你有病吧, 你他妈) and profanity masked as Twilio writes it, and 有病 said of an illness.
const NATIONAL_CASE = { ...PII_TRUE_CASE, variant: 'national_phone' };
const NATIONAL_FALSE = { ...PII_FALSE_CASE, variant: 'national_phone' };
for (const [text, match] of [
  ['call me on 212-736-5000', '212-736-5000'],
  ['212 736 5000', '212 736 5000'],
  ['my number is 2127365000', '2127365000'],
  ['you can reach me at (212) 736 5000 after six', '(212) 736 5000'],
  ['my mobile is 07911 123456', '07911 123456'],
  ['the office line is 020 7946 0018, ask for Sam', '020 7946 0018'],
])
  hit(NATIONAL_CASE, 'pii_phone', text, match);
for (const text of [
  'order number 2127365000',
  'my tracking number is 2127365000',
  '555-123-4567',
  'call 1234567890',
  'paid 2,127,365,000 in total',
  '2024.05.01 13:30',
  '12/25/2024 10:30',
  'from 2019 to 2023 and 2024',
  'the plan is 199.99 a month, ref 12345',
  '订单 2127365000 已发货',
])
  clean(NATIONAL_FALSE, text);
const ROUND2_ABUSE = { direction: 'input', variant: 'round2_abuse', family: 'deterministic', verdict: 'allow' };
for (const [text, phrase] of [
  ['你他妈有病吧', '你他妈'],
  ['你有病吧，烦不烦', '你有病'],
  ['有病吧！', '有病吧'],
  ['you are useless, f*** off', 'f***'],
  ['f**k you', 'f**k'],
  ['this is s***', 's***'],
])
  hit(ROUND2_ABUSE, 'abuse', text, phrase);
for (const text of ['家里老人有病，想问问保险', '我有病在医院，晚点再说', '你有病史吗？', 'the **best** plan'])
  clean({ direction: 'input', variant: 'round2_abuse', family: 'control' }, text);

writeFileSync(
  new URL('../../data/compliance/suite.jsonl', import.meta.url),
  out.map((c) => JSON.stringify(c)).join('\n') + '\n',
);
console.log(`${out.length} cases`);
