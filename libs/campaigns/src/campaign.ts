import type { IntentName } from '@huashu/intent';
import type { SamplingParams } from '@huashu/generator';

export type RouteKind = 'script' | 'generator' | 'fallback';
export type RouteAction = 'continue' | 'transfer' | 'hangup';
export type PolicyAction = 'block' | 'redact' | 'flag';

/** One row of the route table: intent (× lead stage) → route + action. */
export interface RouteRule {
  route: RouteKind;
  action: RouteAction;
  /** Per-stage overrides, e.g. affirm → generator when the lead is engaged. */
  byStage?: Partial<Record<'new' | 'engaged' | 'interested' | 'hot', { route: RouteKind; action: RouteAction }>>;
}

export interface IntentExamples {
  /** Encoder similarity (cosine) the nearest example needs (for an intent, and for an answer). */
  threshold: number;
  /** The intent model's probability for the example's intent must be at least this. */
  minConfidence: number;
  /** Examples per in-scope intent. */
  byIntent: Partial<Record<IntentName, string[]>>;
  /**
   * Examples per script of the library: what customers say that this approved reply answers. They
   * count for the script's intent (read from the published library at turn time) as `byIntent`
   * examples do, and a turn of that intent whose utterance is near one (`threshold`) is shown that
   * script first among the generator prompt's approved replies.
   */
  byScript: Record<string, string[]>;
}

/**
 * What a caller's answer to a question asks for (`CampaignQuestion.kind`), and so which words count as one
 * (README "Answers to the bot's own questions"):
 * - `text`: any words that are not clearly something else (no question back, no hesitation, an intent the
 *   model is unsure of that neither declines, ends nor escalates the call);
 * - `address`: such words that name a place (小区, 路, 栋, "street", a house number, a postcode …);
 * - `identity`: "is this Mr Wang?": nothing is kept; a no is `wrong_person`, anything else goes on as it is.
 */
export const QUESTION_KINDS = ['text', 'address', 'identity'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

/**
 * What a caller's answer to one of the campaign's scripts means (`Campaign.questions`): the name the
 * answer is kept under for the closer, and the intent the turn is handled as.
 */
export interface CampaignQuestion {
  /** What the question asks for, so which words answer it. Absent: `text`. */
  kind?: QuestionKind;
  /** Name of the answer in the session and the transfer's lead summary (`address`); absent for `identity`. */
  answer?: string;
  /** The intent an answer to the question is handled as (`ready_to_buy`); absent for `identity`. */
  intent?: IntentName;
  /**
   * Times the question is said in a row to a caller who only agrees (a bare yes answers nothing, so it is
   * asked again); the next bare yes is handled as `intent` without an answer. Absent:
   * `DEFAULT_QUESTION_ASK_AT_MOST`.
   */
  askAtMost?: number;
}

/** Times of day "HH:MM" (`end` may be "24:00"), start before end. */
export interface CallingHours {
  start: string;
  end: string;
}

/**
 * A campaign's settings (GET|PUT /v1/admin/campaigns/{id}). Every section has defaults, so a
 * campaign created by its first script import is usable at once.
 */
export interface Campaign {
  id: string;
  name: string;
  language: 'zh' | 'en';
  /**
   * IANA time zone of the campaign's customers (`Asia/Shanghai`), in which callback times they ask
   * for ("明天下午", "at 3") are read. Unset: the process's time zone (TZ).
   */
  timeZone?: string;
  /**
   * When a callback may be due, as times of day on the campaign's clock (`timeZone`): `start` included,
   * `end` not ("24:00" is midnight). A callback asked for, or defaulted, outside them is moved to the
   * next allowed time, so no customer is called in the night.
   */
  callingHours: CallingHours;
  /** Similarity a match needs to be accepted (a script's own threshold wins). */
  matchThreshold: number;
  /** Overrides the intent model's fitted out-of-scope threshold. */
  intentThreshold?: number;
  /**
   * What this campaign's customers are expected to say for an intent, in the campaign's own words
   * ("can I keep my number" → ask_product_detail). The shared intent model knows many products but
   * not this one; when it answers out_of_scope, the utterance takes the intent of its nearest example
   * if the encoder's similarity reaches `threshold` and the model gives that intent at least
   * `minConfidence` (the model must not rule it out). An example said word for word (case, spaces
   * and punctuation aside) decides whatever the model says. Examples given per script (`byScript`)
   * also put their script first among the generator prompt's approved replies.
   */
  intentExamples: IntentExamples;
  /**
   * The slot an intent's question asks for (`ask_price` → `price`): the first answer to that intent in
   * a conversation puts the intent's approved replies that state it (`{price}`) first among those the
   * generator prompt quotes, unless a campaign example and the utterance's words point to another.
   */
  askedSlots: Partial<Record<IntentName, string>>;
  /**
   * A script that promises content (`zh-affirm-continue` "那我先简单说一下套餐内容") → the script that
   * delivers it (`zh-intro-product`), said right after it in the same reply, unless the conversation
   * heard it already or it does not fit the turn's action.
   */
  followOns: Record<string, string>;
  openingScriptId?: string;
  goodbyeScriptId?: string;
  defaultFallbackScriptId?: string;
  /**
   * Scripts that ask the caller something, by script id, and what an answer means. When the bot's last
   * line was one of them and the caller's next turn is not clearly something else (the intent model
   * found nothing in scope, or only a weak intent that neither declines, ends nor escalates the call,
   * and the caller does not ask back), the turn is handled as the question's intent and the (redacted)
   * answer is kept under its name for the closer. Campaign settings rather than script fields: the
   * sample library is the built-in encoder's training data.
   */
  questions: Record<string, CampaignQuestion>;
  /** Route table; intents missing here use the DESIGN §3 defaults. */
  routes: Partial<Record<IntentName, RouteRule>>;
  /** Consecutive fallbacks before escalation, and what escalation does. */
  maxConsecutiveFallbacks: number;
  fallbackEscalation: 'transfer' | 'hangup';
  /**
   * A do_not_call that only the intent model heard (not input screening, not a campaign example said
   * word for word) with a confidence below this is asked about before the number is listed, since a
   * listing is for good: the bot asks the library's confirmation question (a do_not_call script tagged
   * `confirm`) and the call goes on. 0 never asks.
   */
  doNotCallConfirmBelow: number;
  /**
   * The abusive turn (input screening found `abuse`) on which the call ends: goodbye and hangup, reason
   * `abuse`, and no do-not-call listing (abuse is no opt-out). Before it each abusive turn hears the
   * library's calming line (a script tagged `abuse`), never the route table's answer. Counted over the
   * whole call; 1 hangs up at once.
   */
  abuseHangupAfter: number;
  transferTarget?: string;
  /** Default slot values (e.g. company_name, product_name); customer slots come from the session. */
  slots: Record<string, string>;
  /**
   * Slot values for the scripts of one language, over `slots` (a library with zh and en scripts says
   * "199 yuan" in English and 每月199元 in Chinese). A script's language is the one its text is in.
   */
  slotsByLanguage: Partial<Record<'zh' | 'en', Record<string, string>>>;
  generator: {
    systemPrompt: string;
    productFacts: string[];
    params: SamplingParams;
    /** Per-route/intent overrides of the sampling params. */
    paramsByIntent: Partial<Record<IntentName, SamplingParams>>;
    exemplars: number;
  };
  deadlines: {
    phoneMs: number;
    restMs: number;
    stages: { classify: number; generate: number; comply: number; match: number };
  };
  compliance: {
    input: Record<string, PolicyAction>;
    output: Record<string, PolicyAction>;
  };
  version: number;
  updatedAt: string;
  updatedBy: string;
}

export const DEFAULT_CAMPAIGN_ID = 'default';
