import { Inject, Injectable, Logger } from '@nestjs/common';
import { CampaignService, DEFAULT_QUESTION_ASK_AT_MOST, type Campaign } from '@huashu/campaigns';
import {
  CLOCK,
  HuashuException,
  acknowledgesHold,
  apologisesForTransfer,
  asksToConfirm,
  calmsAbuse,
  disclosesBot,
  namesCallbackTime,
  nowMs,
  pushStream,
  withDeadline,
  type Clock,
} from '@huashu/common';
import {
  COMPLIANCE_CHECKER,
  type ComplianceChecker,
  type ComplianceHit,
  type ComplianceResult,
} from '@huashu/compliance';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { EMBEDDER, type Embedder } from '@huashu/embedding';
import { buildPrompt, GENERATOR, mergeSamplingParams, type GenerateResult, type Generator } from '@huashu/generator';
import { INTENT_CLASSIFIER, type IntentClassifier, type IntentName, type IntentPrediction } from '@huashu/intent';
import {
  SCRIPT_LIMITS,
  SCRIPT_MATCHER,
  slotValue,
  withoutSilent,
  type MatchOutcome,
  type Script,
  type ScriptMatch,
  type ScriptMatcherPort,
  type ScriptStage,
} from '@huashu/scripts';
import { parseCallbackTime, processTimeZone, type CallbackTime } from '../actions/callback-time.parser.js';
import { spokenCallbackTime } from '../actions/callback-time.spoken.js';
import { DoNotCallRepository } from '../actions/do-not-call.repository.js';
import { maskPhone, normalisePhone } from '../actions/phone-number.js';
import { CallbackScheduler } from '../callbacks/callback.scheduler.js';
import { HISTORY_TURNS } from '../dialogue.constants.js';
import { applyFallbackEscalation, decideTurn, type TurnDecision } from '../routing/dialogue-policy.js';
import { callerAsks, CALLER_ASKS } from '../routing/caller-asks.js';
import { onlyClosesCall } from '../routing/caller-goodbye.js';
import { answerToQuestion, asksBack, hesitates } from '../routing/question-answer.js';
import { newSession, noteIntent, type HistoryMessage, type Session, type TranscriptEntry } from '../session/session.js';
import { SessionRepository, type ConversationLock } from '../session/session.repository.js';
import type {
  Action,
  DialoguePort,
  DoNotCallEffect,
  LeadStage,
  Reply,
  Route,
  StartConversation,
  StartedConversation,
  TurnCallback,
  TurnResult,
  TurnStreamEvent,
} from '../turn-result.js';
import type { Approval, Candidate } from './candidate.js';
import { joinParts, streamCandidate, type PartSink } from './dialogue-stream.js';
import { DialogueMetrics } from './dialogue.metrics.js';
import { exampleView, IntentExampleMatcher, type AnswerExample, type IntentExampleMatch } from './intent-examples.js';
import { reportIntentExamples, type IntentExamplesReport } from './intent-examples-report.js';
import { byAnswer, QUESTION_INTENTS, rankReplies } from './first-answer.js';
import { leadSummary } from './lead-summary.js';
import { lexicalScores } from './lexical-rank.js';
import {
  baseLanguage,
  canonicalLanguage,
  heardIn,
  isLanguageTag,
  languageOf,
  libraryLanguage,
  replyLanguage,
} from '../language.js';
import {
  closesCall,
  closingLine,
  firstInLanguage,
  fitsAction,
  quotable,
  sameRole,
  type AnsweredTurn,
} from './reply-fit.js';
import { StageTimeoutError, TurnClock } from './stage-deadline.js';

/** Stored instead of customer text that could not be screened: nothing unredacted is kept. */
const WITHHELD = '[withheld: input screening unavailable]';
const BLOCKED = '[withheld: input blocked by compliance]';
/** The compliance category of an explicit do-not-call request (data/compliance/lexicons.yaml). */
const DNC_CATEGORY = 'do_not_call';
/** The compliance category of insults and profanity (data/compliance/lexicons.yaml). */
const ABUSE_CATEGORY = 'abuse';
/** The compliance category of a caller asking whether they talk to a bot (data/compliance/lexicons.yaml). */
const BOT_QUESTION_CATEGORY = 'bot_question';
/** Most script ids remembered for no-repeat. */
const MAX_HEARD = 50;
/** Largest `metadata` accepted on start (serialised JSON). */
const MAX_METADATA_BYTES = 4096;
/** Prompt budget (estimated tokens) handed to the prompt builder. */
const PROMPT_TOKENS = 3000;
/** Longest a conversation's start waits for its campaign's examples to be embedded (a remote encoder may hang). */
const EXAMPLES_WAIT_MS = 1000;
/** Longest answer to a campaign question kept for the closer (characters). */
const MAX_ANSWER_CHARS = 200;
/** The slot a callback confirmation names the understood time with (zh-callback-confirm). */
const CALLBACK_TIME_SLOT = 'callback_time';

/** A conversation as GET /v1/conversations/{id} shows it. */
export interface ConversationView {
  conversationId: string;
  campaignId: string;
  channel: Session['channel'];
  status: Session['status'];
  leadStage: Session['stage'];
  turns: number;
  customer: { name?: string; phone?: string; language?: string };
  /** The library language the start's language hint found (absent without one, or when the library has none in it). */
  language?: string;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  endedAt?: string;
  endReason?: string;
  /** The callback a busy customer asked for on the turn that ended the call (as in its actionDetail). */
  callback?: TurnCallback;
  /** The caller's answers to the campaign's questions, by answer name (redacted). */
  answers?: Record<string, string>;
  transcript: TranscriptEntry[];
}

/**
 * The turn pipeline of DESIGN §1: session under a lock → input screening → classify → route →
 * candidate (script strategy or generator) → output compliance → match → threshold → fallback →
 * record. Model and backend failures degrade the turn to a fallback script; only a missing or
 * ended conversation, a busy lock, or Redis itself being down surface as errors.
 */
@Injectable()
export class DialogueService implements DialoguePort {
  private readonly logger = new Logger(DialogueService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly campaigns: CampaignService,
    @Inject(INTENT_CLASSIFIER) private readonly classifier: IntentClassifier,
    @Inject(COMPLIANCE_CHECKER) private readonly compliance: ComplianceChecker,
    @Inject(GENERATOR) private readonly generator: Generator,
    @Inject(SCRIPT_MATCHER) private readonly scripts: ScriptMatcherPort,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
    private readonly sessions: SessionRepository,
    private readonly doNotCall: DoNotCallRepository,
    private readonly callbacks: CallbackScheduler,
    private readonly metrics: DialogueMetrics,
    @Inject(CLOCK) private readonly wallClock: Clock,
  ) {
    this.examples = new IntentExampleMatcher(embedder, {
      // A script example counts while its script is in the published library (which holds enabled
      // scripts only); a campaign that has never published has none.
      scripts: (campaignId, scriptId) => publishedScript(scripts, campaignId, scriptId),
    });
  }

  private readonly examples: IntentExampleMatcher;

  async start(req: StartConversation): Promise<StartedConversation> {
    const campaignId = req.campaignId ?? 'default';
    const campaign = await this.existingCampaign(campaignId);
    await this.requireServable(campaignId);
    // The campaign's examples are embedded before the greeting (once per edit and process), so the first
    // turn neither runs without them nor waits behind their embedding on the event loop
    // (IntentExampleMatcher.prepare); a slow remote encoder delays the greeting by EXAMPLES_WAIT_MS at most.
    await withDeadline(this.examples.prepare(campaign), EXAMPLES_WAIT_MS, () => new Error('examples wait')).catch(
      () => undefined,
    );
    if (Buffer.byteLength(JSON.stringify(req.metadata ?? {})) > MAX_METADATA_BYTES) {
      throw new HuashuException('VALIDATION_FAILED', `metadata is larger than ${MAX_METADATA_BYTES} bytes`, [
        { field: 'metadata' },
      ]);
    }
    // Free text a client (a CRM note, a telephony platform's fields) sends along: stored and shown by
    // GET /v1/conversations/{id}, so its strings are screened as customer text is (PII masked).
    const metadata = await this.screenedMetadata(req.metadata ?? {}, campaign);
    // The lead's language as the client knows it. Checked here as well as by the REST DTO: telephony
    // adapters pass their platform's call language on.
    let requested: string | undefined;
    if (req.customer?.language !== undefined) {
      requested = canonicalLanguage(req.customer.language);
      if (!requested) {
        throw new HuashuException('VALIDATION_FAILED', 'customer.language is not a BCP-47 language tag', [
          { field: 'customer.language' },
        ]);
      }
    }
    let phone: string | undefined;
    if (req.customer?.phone !== undefined) {
      phone = normalisePhone(req.customer.phone, campaign.language);
      if (!phone) {
        throw new HuashuException('VALIDATION_FAILED', 'customer.phone is not a possible phone number', [
          { field: 'customer.phone' },
        ]);
      }
      if (await this.doNotCall.has(campaignId, phone)) {
        throw new HuashuException('DO_NOT_CALL', 'this number is on the campaign’s do-not-call list', [{ campaignId }]);
      }
    }

    const language = requested === undefined ? undefined : await this.hintedLanguage(campaign, requested);

    const now = new Date().toISOString();
    const session = newSession(
      {
        id: this.sessions.newId(),
        campaignId,
        channel: req.channel ?? 'rest',
        customer: { name: req.customer?.name, phone, ...(requested === undefined ? {} : { language: requested }) },
        metadata,
        ...(language === undefined ? {} : { language }),
      },
      now,
    );
    const opening = await this.opening(campaign, session);
    const reply = opening && (await this.withFollowOn(campaign, session, opening, 'continue', GREETED));
    const transcript: TranscriptEntry[] = [{ turn: 0, role: 'event', text: 'started', at: now, leadStage: 'new' }];
    if (reply) {
      session.heard.push(reply.scriptId, ...followOnId(reply));
      session.said = [reply.scriptId, ...followOnId(reply)];
      // An opening the campaign declares a question ("请问是王先生吗？": kind identity) is open for the first turn.
      const asked = session.said.findLast((id) => Object.hasOwn(campaign.questions, id));
      if (asked !== undefined) {
        session.pendingQuestion = asked;
        session.pendingQuestionAsks = 1;
      }
      transcript.push({ turn: 0, role: 'bot', text: reply.text, at: now, scriptId: reply.scriptId, leadStage: 'new' });
    }
    // A hint is recorded with what came of it; one the library has no scripts for is a warning for
    // whoever reads the audit (the CRM's language field, or the campaign's library, needs a look).
    const audit =
      requested === undefined
        ? undefined
        : {
            event: 'start',
            turn: 0,
            at: now,
            language: { requested, used: language ?? campaign.language, inLibrary: language !== undefined },
            ...(reply ? { reply: { scriptId: reply.scriptId, libraryVersion: reply.libraryVersion } } : {}),
            ...(language === undefined
              ? { warning: `the library has no scripts in ${requested}: the campaign's language is used` }
              : {}),
          };
    if (requested !== undefined && language === undefined) {
      this.logger.warn({ campaignId, requested }, 'no scripts in the hinted language; campaign language used');
    }
    await this.sessions.create(session, transcript, audit);
    return reply ? { conversationId: session.id, reply } : { conversationId: session.id };
  }

  async turn(conversationId: string, input: { text: string; signal?: AbortSignal }): Promise<TurnResult> {
    return this.lockedTurn(conversationId, input);
  }

  /** The same turn, streamed: see DialoguePort.turnStream (dialogue-stream.ts). */
  turnStream(conversationId: string, input: { text: string; signal?: AbortSignal }): AsyncIterable<TurnStreamEvent> {
    return pushStream<TurnStreamEvent>(async (push) => {
      const result = await this.lockedTurn(conversationId, input, (part) => push({ type: 'part', part }));
      push({ type: 'result', result });
    });
  }

  private async lockedTurn(
    conversationId: string,
    input: { text: string; signal?: AbortSignal },
    sink?: PartSink,
  ): Promise<TurnResult> {
    // Controls and format characters are no words (withoutSilent): stripped before anything sees the
    // text, and a text of nothing else is refused like a blank one (the REST DTO refuses it first).
    const text = withoutSilent(input.text);
    if (!/\S/.test(text)) {
      throw new HuashuException('VALIDATION_FAILED', 'text must not be blank', [{ field: 'text' }]);
    }
    // A plain turn shows nothing before its commit, so it may run optimistically on a cached session
    // and be redone if that turns out stale (another gateway moved the conversation on); a streamed
    // turn has spoken before its commit, so it always takes the lock.
    return this.sessions.withLock(
      conversationId,
      async (lock, stored) => {
        const session = found(conversationId, stored);
        if (session.status === 'ended') {
          throw new HuashuException('CONVERSATION_ENDED', 'this conversation has ended', [{ conversationId }]);
        }
        return this.runTurn(lock, session, text, input.signal, sink);
      },
      { optimistic: sink === undefined },
    );
  }

  async end(conversationId: string, reason: string): Promise<void> {
    await this.endWith(conversationId, reason);
  }

  async close(
    conversationId: string,
    close: { reason: string; action: 'hangup' | 'transfer' },
  ): Promise<Reply | undefined> {
    return this.endWith(conversationId, close.reason, async (campaign, session, lang) => {
      if (close.action === 'hangup') {
        // No intent was said: the plain goodbye, never one that answers an intent (reply-fit.ts).
        return this.goodbye(campaign, session, lang, { intent: 'out_of_scope', lists: false });
      }
      const fit = { intent: 'ask_human', lists: false } as const;
      const line = await this.lineInLanguage(campaign, lang, (s) => announcesTransfer(s, 'transfer', campaign, fit));
      return line && this.toReply(line, campaign, session, { similarity: null, fallback: false });
    });
  }

  /**
   * End an active conversation (idempotent: an ended one is left as it is and says nothing), with the
   * line `say` picks, in the customer's language, as its last bot line.
   */
  private async endWith(
    conversationId: string,
    reason: string,
    say?: (campaign: Campaign, session: Session, lang: string) => Promise<Reply | undefined>,
  ): Promise<Reply | undefined> {
    return this.sessions.withLock(conversationId, async (lock, stored) => {
      const session = found(conversationId, stored);
      if (session.status === 'ended') return undefined;
      let reply: Reply | undefined;
      if (say) {
        const campaign = await this.campaigns.getCached(session.campaignId);
        reply = await say(campaign, session, this.replyLanguage(session, campaign));
      }
      const at = new Date().toISOString();
      const ended: Session = {
        ...session,
        status: 'ended',
        stage: 'closed',
        heard: reply
          ? [...session.heard.filter((id) => id !== reply.scriptId), reply.scriptId].slice(-MAX_HEARD)
          : session.heard,
        updatedAt: at,
        endedAt: at,
        endReason: reason,
        endedAtStage: session.stage,
      };
      const entries: TranscriptEntry[] = [];
      if (reply) {
        entries.push({
          turn: session.turn,
          role: 'bot',
          text: reply.text,
          at,
          scriptId: reply.scriptId,
          leadStage: 'closed',
        });
      }
      entries.push({ turn: session.turn, role: 'event', text: `ended: ${reason}`, at, leadStage: 'closed' });
      const audit = {
        event: 'end',
        turn: session.turn,
        at,
        reason,
        leadStage: 'closed',
        stageBefore: session.stage,
        ...(reply ? { scriptId: reply.scriptId, libraryVersion: reply.libraryVersion } : {}),
      };
      if (!(await this.sessions.commit(lock, ended, entries, audit))) throw lockLost(conversationId);
      return reply;
    });
  }

  async reopen(conversationId: string, reason: string): Promise<Reply | undefined> {
    return this.sessions.withLock(conversationId, async (lock, stored) => {
      const session = found(conversationId, stored);
      if (session.status !== 'ended') return undefined;
      const campaign = await this.campaigns.getCached(session.campaignId);
      const lang = this.replyLanguage(session, campaign);
      const stage = session.endedAtStage ?? 'new';
      const apology = await this.lineInLanguage(campaign, lang, apologisesForTransfer);
      const reply = apology
        ? this.toReply(apology, campaign, session, { similarity: null, fallback: false })
        : await this.scripts
            .resolveFallback(campaign.id, { stage, language: lang })
            .then((s) => this.toReply(s, campaign, session, { similarity: null, fallback: true }));
      const at = new Date().toISOString();
      const reopened: Session = {
        ...session,
        status: 'active',
        stage,
        heard: [...session.heard.filter((id) => id !== reply.scriptId), reply.scriptId].slice(-MAX_HEARD),
        // The apology is the bot's last line now: the next turn does not say it again.
        said: [reply.scriptId],
        // The fallbacks that escalated to the transfer are spent: the next one must not hand over again.
        consecutiveFallbacks: 0,
        pendingRetention: false,
        pendingDoNotCall: undefined,
        pendingQuestion: undefined,
        pendingQuestionAsks: undefined,
        updatedAt: at,
        endedAt: undefined,
        endReason: undefined,
        endedAtStage: undefined,
      };
      const entries: TranscriptEntry[] = [
        { turn: session.turn, role: 'event', text: `reopened: ${reason}`, at, leadStage: stage },
        { turn: session.turn, role: 'bot', text: reply.text, at, scriptId: reply.scriptId, leadStage: stage },
      ];
      const audit = {
        event: 'reopen',
        turn: session.turn,
        at,
        reason,
        leadStage: stage,
        stageBefore: session.stage,
        scriptId: reply.scriptId,
        libraryVersion: reply.libraryVersion,
        fallback: reply.fallback,
      };
      if (!(await this.sessions.commit(lock, reopened, entries, audit))) throw lockLost(conversationId);
      return reply;
    });
  }

  /** Session and transcript for GET /v1/conversations/{id}. */
  async view(conversationId: string): Promise<ConversationView> {
    const s = await this.load(conversationId);
    return {
      conversationId: s.id,
      campaignId: s.campaignId,
      channel: s.channel,
      status: s.status,
      leadStage: s.stage,
      turns: s.turn,
      customer: {
        name: s.customer.name,
        phone: s.customer.phone ? maskPhone(s.customer.phone) : undefined,
        ...(s.customer.language ? { language: s.customer.language } : {}),
      },
      ...(s.language ? { language: s.language } : {}),
      metadata: s.metadata,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      endedAt: s.endedAt,
      endReason: s.endReason,
      ...(s.callback ? { callback: s.callback } : {}),
      ...(s.answers ? { answers: s.answers } : {}),
      transcript: await this.sessions.transcript(s.id),
    };
  }

  /**
   * A turn's classify step alone, for the admin classify route: the model with the campaign's intent
   * threshold, then the campaign's intent examples (one said word for word decides; where the model
   * says out_of_scope, the nearest). The text is taken
   * as given (a turn classifies its redacted form). 404 for a campaign that does not exist.
   */
  async classify(
    text: string,
    campaignId: string,
  ): Promise<{ prediction: IntentPrediction; example?: IntentExampleMatch }> {
    const campaign = await this.existingCampaign(campaignId);
    const prediction = await this.classifier.classify(text, { threshold: campaign.intentThreshold });
    const example =
      (await this.examples.exact(campaign, text, prediction)) ??
      (prediction.name === 'out_of_scope'
        ? await this.examples.match(campaign, prediction, this.embed(text))
        : undefined);
    return { prediction, ...(example ? { example } : {}) };
  }

  /** The campaign's intent examples checked against its library, each other and the model; 404 for no campaign. */
  async exampleReport(campaignId: string): Promise<IntentExamplesReport> {
    const campaign = await this.existingCampaign(campaignId);
    // One report at a time per campaign: requests that arrive while it runs share it (it embeds and
    // classifies every example, ~1.5 s for 1,000 long ones).
    let running = this.reports.get(campaignId);
    if (!running) {
      running = reportIntentExamples(campaign, {
        embedder: this.embedder,
        classifier: this.classifier,
        script: (scriptId, draft) =>
          draft
            ? this.scripts.getScript(campaign.id, scriptId, draft)
            : publishedScript(this.scripts, campaign.id, scriptId),
      }).finally(() => this.reports.delete(campaignId));
      this.reports.set(campaignId, running);
    }
    return running;
  }

  private readonly reports = new Map<string, Promise<IntentExamplesReport>>();

  /** The per-turn audit records (DESIGN §1 step 8); 404 when the conversation left no record. */
  async audit(conversationId: string): Promise<{ conversationId: string; records: Record<string, unknown>[] }> {
    const records = await this.sessions.audit(conversationId);
    if (records.length === 0 && !(await this.sessions.get(conversationId))) {
      throw new HuashuException('NOT_FOUND', 'no such conversation', [{ conversationId }]);
    }
    return { conversationId, records };
  }

  /** The campaign (a cached read); 404 when it was never created. */
  private async existingCampaign(campaignId: string): Promise<Campaign> {
    if (!(await this.campaigns.exists(campaignId))) {
      throw new HuashuException('NOT_FOUND', `campaign ${campaignId} does not exist`, [{ campaignId }]);
    }
    return this.campaigns.getCached(campaignId);
  }

  private async load(conversationId: string): Promise<Session> {
    return found(conversationId, await this.sessions.get(conversationId));
  }

  /**
   * A conversation starts only on a campaign that can answer every turn: a published library with a
   * catch-all fallback (publish requires one; a campaign that never published has none). Refused
   * with 409 CAMPAIGN_NOT_READY instead of a conversation whose every unmatched turn would fail.
   */
  private async requireServable(campaignId: string): Promise<void> {
    try {
      await this.scripts.resolveFallback(campaignId, {});
    } catch (err) {
      if (!(err instanceof HuashuException && err.code === 'NOT_FOUND')) throw err;
      throw new HuashuException(
        'CAMPAIGN_NOT_READY',
        `campaign ${campaignId} has no published script library with a catch-all fallback; publish one first`,
        [{ campaignId }],
      );
    }
  }

  /**
   * The library language a start's hint asks for (language.ts `libraryLanguage`: "en-US" finds the `en`
   * scripts), among the language tags of the published library; undefined when it has none in it (or
   * cannot be read: the call goes on in the campaign's language).
   */
  private async hintedLanguage(campaign: Campaign, requested: string): Promise<string | undefined> {
    let tags: ReadonlySet<string>;
    try {
      // The library's distinct tags, kept per loaded library version: no scan of its scripts per call start.
      tags = await this.scripts.libraryTags(campaign.id);
    } catch (err) {
      this.logger.warn({ err, campaignId: campaign.id }, 'library languages unavailable');
      return undefined;
    }
    return libraryLanguage(requested, [...tags].filter(isLanguageTag));
  }

  /**
   * `metadata` with every string value (at any depth, in objects and arrays) screened as input: what
   * the input policy redacts is masked (手机13800138000 → 手机***********), a value the policy blocks
   * is replaced as a blocked utterance is, and one screening could not check is withheld. Keys,
   * numbers and booleans are kept as given.
   */
  private async screenedMetadata(
    metadata: Record<string, unknown>,
    campaign: Campaign,
  ): Promise<Record<string, unknown>> {
    const screen = async (value: unknown): Promise<unknown> => {
      if (typeof value === 'string') {
        if (value === '') return value;
        const result = await this.compliance
          .check(value, 'input', campaign.id, { policy: campaign.compliance })
          .catch(() => undefined);
        return !result ? WITHHELD : result.verdict === 'block' ? BLOCKED : result.text;
      }
      if (Array.isArray(value)) return Promise.all(value.map(screen));
      if (value !== null && typeof value === 'object') {
        const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await screen(v)] as const));
        return Object.fromEntries(entries);
      }
      return value;
    };
    return (await screen(metadata)) as Record<string, unknown>;
  }

  /**
   * The campaign's opening; with a language hint the library has scripts in, its counterpart in that
   * language (namedScript: en-opening for zh-opening), as the goodbye is picked. Without one, the
   * campaign's own, as before.
   */
  private async opening(campaign: Campaign, session: Session): Promise<Reply | undefined> {
    if (!campaign.openingScriptId) return undefined;
    try {
      const script = session.language
        ? await this.namedScript(campaign, campaign.openingScriptId, session.language)
        : await this.scripts.getScript(campaign.id, campaign.openingScriptId);
      return script ? this.toReply(script, campaign, session, { similarity: null, fallback: false }) : undefined;
    } catch (err) {
      // A greeting that cannot be loaded must not stop the call: the first turn still works.
      this.logger.warn({ err, campaignId: campaign.id }, 'opening script unavailable');
      return undefined;
    }
  }

  private async runTurn(
    lock: ConversationLock,
    stored: Session,
    text: string,
    signal?: AbortSignal,
    sink?: PartSink,
  ): Promise<TurnResult> {
    const started = nowMs();
    // The language the caller's words tell, if any, from now on (language.ts heardIn). Told by the words
    // as said, not as stored: a turn screening could not check is stored as an English placeholder.
    const session = heardIn(stored, text);
    // A cached read: campaign edits reach running conversations within a second.
    const campaign = await this.campaigns.getCached(session.campaignId);
    const turnMs = Math.min(
      session.channel === 'phone' ? campaign.deadlines.phoneMs : campaign.deadlines.restMs,
      this.sessions.lockTtlMs - 2000,
    );
    const clock = new TurnClock(started, turnMs);
    const budgets = campaign.deadlines.stages;
    const timings = { classify: 0, generate: 0, comply: 0, match: 0, total: 0 };
    const problems: string[] = [];
    const timed = async <T>(key: keyof typeof timings, work: () => Promise<T>): Promise<T> => {
      const t = nowMs();
      try {
        return await work();
      } finally {
        timings[key] += nowMs() - t;
      }
    };

    // 2. Input screening: the redacted text is the only form of the utterance that is stored.
    let screened: ComplianceResult | undefined;
    try {
      screened = await timed('comply', () =>
        clock.run('comply', budgets.comply, () =>
          this.compliance.check(text, 'input', campaign.id, { policy: campaign.compliance }),
        ),
      );
    } catch (err) {
      problems.push(describe('screen', err));
    }
    const storedText = !screened ? WITHHELD : screened.verdict === 'block' ? BLOCKED : screened.text;
    const inputCompliance: TurnResult['compliance']['input'] = screened
      ? { verdict: screened.verdict, hits: screened.hits.map(maskHit) }
      : { verdict: 'redact', hits: [] };
    // The language of this turn's lines (the reply, its fallbacks, the reserved lines: calming, confirmation
    // question, disclosure): one rule, language.ts replyLanguage.
    const lang = this.replyLanguage(session, campaign);

    // The scripted and generator routes both look the (redacted) utterance up in the library. Embed
    // it while the classifier runs: onnxruntime-node defers every run to the next event-loop turn
    // (setImmediate), so two runs started together share one loop turn instead of queueing for two,
    // which matters most on a busy server. A route that needs no vector ignores it (and its failure).
    const utteranceVector = this.embed(storedText);
    utteranceVector.catch(() => undefined);

    // 3. Classify (on the redacted text: PII carries no intent).
    let prediction: IntentPrediction | undefined;
    try {
      prediction = await timed('classify', () =>
        clock.run('classify', budgets.classify, () =>
          this.classifier.classify(screened?.text ?? text, { threshold: campaign.intentThreshold }),
        ),
      );
    } catch (err) {
      problems.push(describe('classify', err));
    }
    // The campaign's own examples: one said word for word decides; else, where the shared model found
    // nothing in scope, the nearest (inside the classify budget: the utterance's vector is already on
    // its way).
    let example: IntentExampleMatch | undefined;
    try {
      example = await this.examples.exact(campaign, screened?.text ?? text, prediction);
    } catch (err) {
      problems.push(describe('intent examples', err));
    }
    if (!example && prediction?.name === 'out_of_scope') {
      const model = prediction;
      try {
        example = await timed('classify', () =>
          clock.run('classify', budgets.classify, () => this.examples.match(campaign, model, utteranceVector)),
        );
      } catch (err) {
        problems.push(describe('intent examples', err));
      }
    }
    // An explicit do-not-call request found by input screening wins over the classifier (DESIGN §1
    // step 2): the customer's wish is honoured even when the model reads it as a mere objection.
    const screenedDnc = screened?.hits.some((h) => h.category === DNC_CATEGORY) ?? false;
    // Abuse found by input screening is met by the abuse step (dialogue-policy.ts abusiveTurn), never by
    // the route table: what the model reads in an insult (ask_product_detail, objection_trust …) must
    // not earn the caller a pitch. An explicit do-not-call request in the same words comes first.
    const abusive = !screenedDnc && (screened?.hits.some((h) => h.category === ABUSE_CATEGORY) ?? false);
    const abusiveTurns = (session.abusiveTurns ?? 0) + (abusive ? 1 : 0);
    // A caller who only says goodbye (好的，再见; "ok thanks, bye") ends the call: the model has no
    // goodbye intent and reads such words as whatever they resemble (再见 as an unsure do_not_call, for
    // 再 of 别再打; "thanks, bye" as not_interested), so screening's closing phrases decide, as abuse does.
    const callerGoodbye = !screenedDnc && !abusive && !!screened && onlyClosesCall(screened.text, screened.hits);
    // A caller who only asks for the last line again (没听清, "pardon?"), checks the line (喂？听得到吗) or
    // asks the bot to wait (你等一下, "hold on") asked nothing of the product: the model reads such words as
    // out_of_scope (a fallback towards escalation) or 喂 as a greeting (the pitch again), so screening's
    // phrases decide, as for a goodbye. Only once the bot has said something to say again.
    const lastLine = session.said ?? session.heard.slice(-1);
    const callerAsked =
      !screenedDnc && !abusive && !callerGoodbye && !!screened && lastLine.length > 0
        ? callerAsks(screened.text, screened.hits)
        : undefined;
    const calming =
      abusive && abusiveTurns < campaign.abuseHangupAfter
        ? await timed('match', () => this.lineInLanguage(campaign, lang, calmsAbuse))
        : undefined;
    // When a callback is asked for: read once per turn, by whichever step needs it first.
    let asked: CallbackTime | undefined;
    const callbackTime = (): CallbackTime =>
      (asked ??= parseCallbackTime(
        storedText,
        baseLanguage(lang) ?? campaign.language,
        this.wallClock.now(),
        this.config.dialogue.callbackDefaultDelaySeconds * 1000,
        campaign.timeZone,
        campaign.callingHours,
      ));
    // A callback asked for by its time alone (三点再打给我吧, "call me back at 3"), with no busy word
    // for the model to go on: where it found nothing in scope, words asking to be called again that
    // name a time are busy_call_later.
    const callbackAsk =
      !screenedDnc && !example && prediction?.name === 'out_of_scope' && asksForCallbackAt(storedText, callbackTime);
    const classifiedBy = screenedDnc
      ? 'compliance'
      : example
        ? 'campaign-example'
        : callbackAsk
          ? 'callback-request'
          : 'classifier';
    const classified: IntentName =
      classifiedBy === 'compliance'
        ? 'do_not_call'
        : classifiedBy === 'callback-request'
          ? 'busy_call_later'
          : (example?.intent ?? prediction?.name ?? 'out_of_scope');
    // A goodbye that the model read as do_not_call is reported as its next reading: the call ends, but a
    // client's call flow that acts on the intent must not take it for an opt-out.
    const read: IntentName =
      callerGoodbye && classified === 'do_not_call'
        ? (prediction?.ranking.find((r) => r.name !== 'do_not_call')?.name ?? 'out_of_scope')
        : classified;
    // The bot's last line asked what the campaign declares a question (`questions`: the address of an
    // interested lead): a turn that is not clearly something else answers it, as the question's intent,
    // and its redacted words are kept for the closer (routing/question-answer.ts).
    const pendingQuestion = session.pendingQuestion;
    const declared =
      pendingQuestion !== undefined && Object.hasOwn(campaign.questions, pendingQuestion)
        ? campaign.questions[pendingQuestion]
        : undefined;
    // A goodbye answers no question, nor does asking for the question again: nothing is kept as the answer.
    const answer =
      callerGoodbye || callerAsked
        ? undefined
        : answerToQuestion(declared, {
            intent: classified,
            confidence: prediction?.confidence ?? 0,
            source: classifiedBy,
            // Words screening blocked or could not screen are not kept, and an insult is no answer (the abuse
            // step meets it).
            text: screened && screened.verdict !== 'block' && !abusive ? storedText : undefined,
          });
    // A bare yes to a question that asks for something (the address) answers nothing yet: the caller agreed
    // to give it. The question is asked again and stays open, so what they say next is its answer; before,
    // the yes moved the call on (the product summary) and the address then heard the number-portability line.
    // Only while the question is the bot's last line (a question kept open past a question back is not
    // what a yes answers), and not a yes that hesitates or asks ("not sure yet" is affirm 0.92 to the model).
    const agreedOnly =
      !callerGoodbye &&
      !callerAsked &&
      declared !== undefined &&
      declared.intent !== undefined &&
      declared.intent !== 'affirm' &&
      answer === undefined &&
      classifiedBy === 'classifier' &&
      classified === 'affirm' &&
      pendingQuestion !== undefined &&
      (session.said ?? session.heard.slice(-1)).includes(pendingQuestion) &&
      !hesitates(storedText) &&
      !asksBack(storedText);
    // But not for ever: once the question was said as often as the campaign lets it be (its `askAtMost`,
    // default twice), the caller who still only agrees is taken at their word, as the question's intent
    // without an answer: the address question's ready_to_buy hands the willing lead to a closer, whose
    // summary says the address is still to ask. Before, every yes heard the question again.
    const asks = session.pendingQuestionAsks ?? 1;
    const unanswered =
      agreedOnly && declared?.intent !== undefined && asks >= (declared.askAtMost ?? DEFAULT_QUESTION_ASK_AT_MOST)
        ? { answer: declared.answer, intent: declared.intent }
        : undefined;
    const source = answer?.decided ? 'answer' : unanswered ? 'unanswered' : classifiedBy;
    const intent = answer?.intent ?? unanswered?.intent ?? read;
    const answers =
      answer?.keep !== undefined
        ? { ...session.answers, [answer.keep]: clip(storedText, MAX_ANSWER_CHARS) }
        : session.answers;
    // Four decimals, as the reply's similarity: the full double says nothing more to a client or an
    // auditor, and it is written twice per turn (result and audit record). An intent taken from an
    // example keeps the model's own probability for it.
    const confidence = screenedDnc ? 1 : round(example?.confidence ?? prediction?.confidence ?? 0, 4);
    if (source === 'campaign-example') this.metrics.exampleIntents.inc({ intent });

    // 4. Route. A do_not_call the intent model alone is unsure of is asked about before the number is
    // listed for good (campaign `doNotCallConfirmBelow`); screening and a campaign example decide at once.
    // The question is looked up only for such a turn (a `doNotCallConfirmBelow` of 0 never looks), once:
    // a library without one lists at once, and the one found is what the turn says.
    const unsure =
      !abusive &&
      !callerGoodbye &&
      !callerAsked &&
      intent === 'do_not_call' &&
      source === 'classifier' &&
      confidence < campaign.doNotCallConfirmBelow &&
      session.pendingDoNotCall === undefined &&
      prediction !== undefined;
    const question = unsure
      ? await timed('match', () => this.lineInLanguage(campaign, lang, confirmsDoNotCall))
      : undefined;
    const confirmDoNotCall =
      question && prediction
        ? (prediction.ranking.find((r) => r.name !== 'do_not_call')?.name ?? 'out_of_scope')
        : undefined;
    // "Are you a robot?" found by input screening is answered with the library's disclosure script,
    // looked up only for such a turn (README "Are you a robot?"); an abusive turn is met by the abuse
    // step whatever else it asks (decideTurn).
    const askedIfBot =
      !abusive && !callerAsked && (screened?.hits.some((h) => h.category === BOT_QUESTION_CATEGORY) ?? false);
    // The acknowledgement of a wait, looked up only for such a turn.
    const holdLine =
      callerAsked === CALLER_ASKS.hold
        ? await timed('match', () => this.lineInLanguage(campaign, lang, acknowledgesHold))
        : undefined;
    const disclosure = askedIfBot
      ? await timed('match', () => this.lineInLanguage(campaign, lang, disclosesBot))
      : undefined;
    // A yes or a no answers the bot's last line, at that line's stage (dialogue-policy.ts askedAt).
    const askedAt = intent === 'affirm' || intent === 'deny' ? await this.lastLineStage(campaign, session) : undefined;
    const decision = decideTurn(campaign.routes, intent, session, {
      askedAt,
      confirmDoNotCall,
      explicitDoNotCall: source === 'compliance',
      noPhone: !session.customer.phone,
      abuse: abusive
        ? { count: abusiveTurns, hangupAfter: campaign.abuseHangupAfter, canCalm: calming !== undefined }
        : undefined,
      askedIfBot: askedIfBot ? (disclosure ? 'script' : 'human') : undefined,
      callerGoodbye,
      // A library without the acknowledgement says its last line again to a caller who asks it to wait.
      callerAsks:
        callerAsked === undefined ? undefined : callerAsked === CALLER_ASKS.hold && holdLine ? 'hold' : 'repeat',
    });
    // The intent the reply answers: the classified one, but for an answer to the do-not-call question.
    const answered = decision.answers ?? intent;
    // What the reply may promise (reply-fit.ts fitsAction, closesCall): a listing only where there is one.
    const fit: AnsweredTurn = {
      intent: answered,
      lists: decision.doNotCall && !!session.customer.phone,
      opening: campaign.openingScriptId,
    };

    // 5-7. Candidate, output compliance, match.
    let candidate: Candidate = { output: { verdict: 'allow', hits: [] } };
    try {
      if (decision.route === 'script' || decision.route === 'fallback') {
        const scripted = await this.scriptCandidate(
          campaign,
          session,
          decision,
          fit,
          storedText,
          utteranceVector,
          clock,
          timed,
          decision.scheduleCallback && callbackTime().source !== 'default',
          decision.scriptSource === 'abuse'
            ? calming
            : decision.scriptSource === 'disclosure'
              ? disclosure
              : decision.scriptSource === 'hold'
                ? holdLine
                : question,
          lastLine,
        );
        // DESIGN §3 "fallback (clarify)": the intent's own approved scripts (zh-clarify) before its
        // fallback script, by the scripted rules; each counts as a fallback towards escalation.
        const clarifying = decision.route === 'fallback' && scripted.reply !== undefined;
        candidate = clarifying ? { ...scripted, reply: { ...scripted.reply!, fallback: true } } : scripted;
      } else if (decision.route === 'generator') {
        candidate = await this.generatorCandidate(
          campaign,
          session,
          fit,
          decision.action,
          storedText,
          utteranceVector,
          clock,
          timed,
          signal,
          problems,
          sink,
          // An example said word for word names its script: the answer, with nothing to look up.
          example?.exact && example.scriptId
            ? { scriptId: example.scriptId, example: example.example, similarity: 1 }
            : undefined,
        );
      }
    } catch (err) {
      problems.push(describe(decision.route, err));
    }
    let route: Route = decision.route;
    let reply = candidate.reply;
    if (!reply) {
      // do_not_call's fallback announces the listing and says goodbye (reply-fit.ts): a turn that lists
      // no number (the question, no phone) or does not hang up (a route that goes on or transfers) falls
      // back past it, to the stage's or the default.
      const listingFits = fit.lists && decision.action === 'hangup';
      const own = answered === 'do_not_call' && !listingFits ? undefined : answered;
      reply = await this.fallback(campaign, session, own, decision, candidate.match?.best ?? null);
      route = 'fallback';
    }
    // The bot's last line said again at once sounds like a broken record (a small library's one price
    // line to every 太贵了): a turn that goes on hears the intent's fallback, the stage's, a clarifying
    // line or the default instead, the first not just said; a fallback it is, towards escalation. The
    // reserved steps (the do-not-call question, the calming line), a streamed reply and a greeting (a
    // caller who says 你好 again did not hear the greeting: it is said again) keep theirs, and so does the
    // question asked again after a bare yes (the rule would drop it for the affirm fallback "我继续为您介绍"
    // and the answer that follows would go unheard): `askAtMost` bounds that repeat instead (`unanswered`).
    let reasked = false;
    if (agreedOnly && !unanswered && pendingQuestion !== undefined && !reply.parts && decision.action === 'continue') {
      const asked = await publishedScript(this.scripts, campaign.id, pendingQuestion).catch(() => undefined);
      if (asked) {
        reply = this.toReply(asked, campaign, session, { similarity: null, fallback: false });
        route = 'script';
        reasked = true;
      }
    }
    const sayable =
      !reasked &&
      ((decision.scriptSource === 'intent' && answered !== 'greeting') || decision.scriptSource === 'retention');
    // The question asked again is answered again: the heard reply the generator was shown first because it
    // answers better than every unheard one (exemplars, first-answer.ts `byAnswer`) is no broken record.
    const answeredAgain = candidate.again !== undefined && reply.scriptId === candidate.again;
    if (
      sayable &&
      !answeredAgain &&
      !reply.parts &&
      decision.action === 'continue' &&
      lastLine.includes(reply.scriptId)
    ) {
      const fresh = await this.unrepeated(campaign, session, answered, decision, lastLine, fit);
      if (fresh) {
        reply = fresh;
        route = 'fallback';
      }
    }
    // A line said again or a wait acknowledged is no fallback, nor does it show the call back on track: the
    // count of fallbacks in a row stays as it was.
    const askedOfCall = (decision.scriptSource === 'repeat' || decision.scriptSource === 'hold') && !reply.fallback;
    const escalation = askedOfCall
      ? { action: decision.action, stage: decision.stage, consecutiveFallbacks: session.consecutiveFallbacks }
      : applyFallbackEscalation(campaign, decision, reply.fallback, session.consecutiveFallbacks);
    // What the customer hears never announces an action the turn does not take (an escalated
    // fallback, a closing line that asks a question): reply-fit.ts, `fitReply`.
    reply = await this.fitReply(campaign, session, reply, escalation.action, fit);
    // Decided before the record, so the turn, its audit and the session say when the callback is due,
    // and the confirmation names that time, whether huashu or the client's dialer schedules it.
    // Never a callback and a listing in one turn (the policy gives no intent both; this says so here too),
    // nor a callback to a number listed already (by another conversation while this one went on).
    const busyHangup = decision.scheduleCallback && !decision.doNotCall && escalation.action === 'hangup';
    const phone = session.customer.phone;
    const listed = busyHangup && !!phone && (await this.doNotCall.has(campaign.id, phone));
    const callback = busyHangup ? this.callbackDue(callbackTime(), campaign, listed) : undefined;
    // A number that will not be called back is promised no time.
    if (callback && !listed) {
      reply = await this.sayCallbackTime(campaign, session, reply, callbackTime(), callback);
    }
    // A line that promises content is followed by the line that delivers it (campaign followOns).
    reply = await this.withFollowOn(campaign, session, reply, escalation.action, fit, sink);

    // 8. Record.
    const turn = session.turn + 1;
    const at = new Date().toISOString();
    const intents = noteIntent(session.intents, intent);
    const degraded = problems.length > 0;
    const actionDetail =
      escalation.action === 'continue'
        ? undefined
        : {
            reason: escalation.reason ?? 'route_table',
            ...(escalation.action === 'transfer'
              ? {
                  target: campaign.transferTarget,
                  summary: leadSummary({
                    customerName: session.customer.name,
                    stage: decision.reached,
                    intents,
                    turns: turn,
                    lastUtterance: storedText,
                    answers,
                    ...(unanswered?.answer !== undefined ? { unanswered: { [unanswered.answer]: asks } } : {}),
                  }),
                  ...(answers ? { answers } : {}),
                }
              : {}),
            ...(callback ? { callback } : {}),
          };
    // A streamed reply may have sent several scripts, a lead-in its follow-on: all of them were heard.
    // The acknowledgement of a wait is not what the caller comes back to: the bot's last line stays the
    // one before it (what a "what did you say?" then repeats, what a yes answers).
    const holding = decision.scriptSource === 'hold' && askedOfCall;
    const said = holding
      ? [...lastLine]
      : [...new Set([...(reply.parts?.map((p) => p.scriptId) ?? [reply.scriptId]), ...followOnId(reply)])];
    // The question the caller hears last is the one the next turn may answer; said again at once, one more ask
    // (but not when the caller asked to hear it again). A question left unanswered by a turn that goes on (a
    // question back, a hesitation, a product question) stays open, its asks as they were: the address said after
    // "why do you need that?" still answers it. An identity question is answered or not by the very next turn,
    // whatever it says, a wait aside.
    const saidQuestion =
      escalation.action === 'continue' && !holding
        ? said.findLast((id) => Object.hasOwn(campaign.questions, id))
        : undefined;
    const keptOpen =
      saidQuestion === undefined &&
      escalation.action === 'continue' &&
      declared !== undefined &&
      (holding || (declared.kind !== 'identity' && answer === undefined && !unanswered))
        ? pendingQuestion
        : undefined;
    const nextQuestion = saidQuestion ?? keptOpen;
    const next: Session = {
      ...session,
      turn,
      stage: escalation.stage,
      status: escalation.action === 'continue' ? 'active' : 'ended',
      heard: holding ? session.heard : [...session.heard.filter((id) => !said.includes(id)), ...said].slice(-MAX_HEARD),
      said,
      consecutiveFallbacks: escalation.consecutiveFallbacks,
      retentionAttempted: decision.retentionAttempted,
      pendingRetention: decision.pendingRetention,
      pendingDoNotCall: decision.pendingDoNotCall,
      ...(abusive ? { abusiveTurns } : {}),
      pendingQuestion: nextQuestion,
      pendingQuestionAsks:
        nextQuestion === undefined
          ? undefined
          : keptOpen !== undefined || (askedOfCall && nextQuestion === pendingQuestion)
            ? asks
            : nextQuestion === pendingQuestion
              ? asks + 1
              : 1,
      ...(answers ? { answers } : {}),
      intents,
      updatedAt: at,
      ...(escalation.action === 'continue'
        ? {}
        : { endedAt: at, endReason: actionDetail?.reason, endedAtStage: decision.reached }),
      ...(callback ? { callback } : {}),
    };

    const effects: Record<string, unknown> = {};
    let doNotCall: DoNotCallEffect | undefined = decision.doNotCallCheck;
    if (decision.doNotCall) {
      // Without a phone number the request is honoured (the call ends) but nothing is listed: the
      // client learns so, to record the opt-out against whatever else it knows of the customer.
      doNotCall = session.customer.phone ? 'listed' : 'unlisted';
      if (session.customer.phone) {
        await this.doNotCall.add(campaign.id, session.customer.phone);
        // The number's callbacks asked for in this campaign's earlier calls are not made (README
        // "Callbacks and the do-not-call list"); the worker checks the list again before each one.
        await this.callbacks
          .cancelFor(campaign.id, session.customer.phone)
          .catch((err: unknown) =>
            this.logger.error({ err, conversationId: session.id }, 'callbacks of a listed number not removed'),
          );
      }
    }
    if (doNotCall) effects.doNotCall = doNotCall;
    if (callback) effects.callback = callback;
    if (decision.disclosure) effects.disclosure = decision.disclosure;

    timings.total = nowMs() - started;
    const result: TurnResult = {
      conversationId: session.id,
      turn,
      reply,
      intent: { name: intent, confidence },
      route,
      action: escalation.action,
      ...(actionDetail ? { actionDetail } : {}),
      ...(doNotCall ? { doNotCall } : {}),
      ...(decision.disclosure ? { disclosure: decision.disclosure } : {}),
      leadStage: next.stage,
      degraded,
      compliance: { input: inputCompliance, output: candidate.output },
      timingsMs: roundTimings(timings),
    };

    const transcript: TranscriptEntry[] = [
      { turn, role: 'customer', text: storedText, at, intent },
      {
        turn,
        role: 'bot',
        text: reply.text,
        at,
        scriptId: reply.scriptId,
        intent,
        action: escalation.action,
        leadStage: next.stage,
        reachedStage: decision.reached,
      },
    ];
    const audit = {
      turn,
      at,
      text: storedText,
      intent: {
        name: intent,
        confidence,
        ranking: prediction?.ranking.slice(0, 3).map((r) => ({ name: r.name, confidence: round(r.confidence, 4) })),
        source,
        ...(answered !== intent ? { answered } : {}),
        ...(answer && pendingQuestion !== undefined
          ? {
              question: {
                scriptId: pendingQuestion,
                ...(answer.keep !== undefined ? { answer: answer.keep, text: answers?.[answer.keep] } : {}),
              },
            }
          : {}),
        ...(unanswered && pendingQuestion !== undefined
          ? { question: { scriptId: pendingQuestion, answer: unanswered.answer, asked: asks } }
          : {}),
        ...(example && source === 'campaign-example'
          ? { example: { ...exampleView(example), similarity: round(example.similarity, 4) } }
          : {}),
      },
      route,
      plannedRoute: decision.route,
      action: escalation.action,
      actionDetail,
      ...(abusive ? { abuse: { count: abusiveTurns, hangupAfter: campaign.abuseHangupAfter } } : {}),
      ...(callerGoodbye ? { callerGoodbye: true } : {}),
      ...(callerAsked ? { callerAsked } : {}),
      stageBefore: session.stage,
      leadStage: next.stage,
      reachedStage: decision.reached,
      generator: candidate.generator
        ? {
            ...candidate.generator,
            params: mergeSamplingParams(campaign.generator.params, campaign.generator.paramsByIntent[answered]),
          }
        : undefined,
      compliance: {
        input: { verdict: inputCompliance.verdict, categories: inputCompliance.hits?.map((h) => h.category) ?? [] },
        output: { verdict: candidate.output.verdict, categories: candidate.output.hits.map((h) => h.category) },
      },
      reply,
      threshold: candidate.match?.threshold ?? null,
      similarity: reply.similarity,
      libraryVersion: reply.libraryVersion,
      timingsMs: result.timingsMs,
      degraded,
      problems,
      effects,
    };

    const recordStart = nowMs();
    if (!(await this.sessions.commit(lock, next, transcript, audit))) throw lockLost(session.id);
    // The campaign's script examples start embedding if nothing has started them (an edit since the
    // conversation started, a conversation started on another gateway), for the later turns' answer
    // lookups: only now, not before this turn's own stages, which the encoder's batch would hold up.
    void this.examples.prepare(campaign);

    if (callback?.scheduled) await this.scheduleCallback(campaign, session, turn, callback);

    const m = this.metrics;
    m.stage.observe({ stage: 'record' }, (nowMs() - recordStart) / 1000);
    for (const [stage, ms] of Object.entries(timings)) m.stage.observe({ stage }, ms / 1000);
    m.turns.inc({ intent, route, action: escalation.action, degraded: String(degraded) });
    return result;
  }

  /**
   * Scripted route: the intent's scripts ranked by similarity to the utterance, not repeating, among
   * those fit for the turn's action (reply-fit.ts). The customer's language outranks not repeating:
   * unheard scripts in their language (this stage, then any stage); else the intent's fallback in
   * their language, not heard yet; else a heard script in their language, the one heard longest ago;
   * else the intent's fallback in their language, heard or not; only then a script in another language.
   */
  private async scriptCandidate(
    campaign: Campaign,
    session: Session,
    decision: TurnDecision,
    /** The intent answered, and whether the turn lists a number. */
    fit: AnsweredTurn,
    text: string,
    textVector: Promise<Float32Array>,
    clock: TurnClock,
    timed: <T>(key: 'match', work: () => Promise<T>) => Promise<T>,
    /** A callback was asked for at a stated time (so the reply may confirm it). */
    callbackTimeNamed: boolean,
    /**
     * The reserved line this turn says, looked up by its step (`lineInLanguage`): the do-not-call
     * confirmation question (`confirmsDoNotCall`), the abuse calming line, the AI disclosure or the
     * acknowledgement of a wait.
     */
    reserved: Script | undefined,
    /** The scripts of the bot's last reply (the session's `said`), which a `repeat` says again. */
    lastLine: readonly string[],
  ): Promise<Candidate> {
    const output = { verdict: 'allow' as const, hits: [] };
    // A library may hold several languages (the sample campaign has zh and en scripts): answer in
    // the customer's language when it has a script for this.
    const lang = this.replyLanguage(session, campaign);
    if (decision.scriptSource === 'goodbye') {
      return { output, reply: await timed('match', () => this.goodbye(campaign, session, lang, fit)) };
    }
    if (decision.scriptSource === 'repeat') {
      return { output, reply: await timed('match', () => this.sayAgain(campaign, session, lastLine)) };
    }
    if (
      decision.scriptSource === 'confirm' ||
      decision.scriptSource === 'abuse' ||
      decision.scriptSource === 'disclosure' ||
      decision.scriptSource === 'hold'
    ) {
      return {
        output,
        reply: reserved && this.toReply(reserved, campaign, session, { similarity: null, fallback: false }),
      };
    }
    const wanted: IntentName = decision.scriptSource === 'retention' ? 'not_interested' : fit.intent;
    // Never the confirmation question: only the confirmation step above says it.
    const fits = (s: Script) => quotable(s, decision.action, campaign.routes, fit);
    // The intent's own fallback in the customer's language: looked up once, by whichever step needs it first.
    let own: Promise<Script | undefined> | undefined;
    const ownFallback = (): Promise<Script | undefined> =>
      (own ??= timed('match', () =>
        this.scripts.resolveFallback(campaign.id, { intent: wanted, language: lang }).catch(() => undefined),
      ).then((fb) => (fb && fb.intent === wanted && fb.tags.includes(lang) && fits(fb) ? fb : undefined)));
    const asFallback = (script: Script): Candidate => ({
      output,
      reply: this.toReply(script, campaign, session, { similarity: null, fallback: true }),
    });
    // A callback asked for without a time: no time to confirm, and a call that ends asks nothing,
    // so the intent's fallback (a closing line that promises a later call) is the reply.
    if (decision.scheduleCallback && !callbackTimeNamed) {
      const callLater = await ownFallback();
      if (callLater) return asFallback(callLater);
    }
    const budget = campaign.deadlines.stages.match;
    const vector = await timed('match', () => clock.run('match', budget, () => textVector));
    // The stage the lead was at when they spoke, or that of the line a yes or no answers: a new lead's
    // first "yes" answers the pitch, not the engaged stage's question the turn raises it to.
    const stage = decision.answersAt ?? (session.stage === 'closed' ? undefined : session.stage);
    const search = (extra: { stage?: ScriptStage; excludeIds?: string[] }) =>
      timed('match', () =>
        clock.run('match', budget, () =>
          this.scripts.match({ campaignId: campaign.id, vector, intent: wanted, k: 5, allow: fits, ...extra }),
        ),
      );
    const inLang = (o: MatchOutcome) => o.matches.filter((m) => languageOf(m.text) === lang);
    const heard = session.heard;
    let chosen: ScriptMatch | undefined;
    // Unheard, this stage then any stage; the first non-empty lookup is kept for the last resort.
    let unheard: MatchOutcome | undefined;
    for (const extra of [{ stage, excludeIds: heard }, { excludeIds: heard }]) {
      const outcome = await search(extra);
      unheard ??= outcome.matches.length > 0 ? outcome : undefined;
      chosen = inLang(outcome)[0];
      if (chosen) return this.scriptReply(campaign, session, outcome, chosen, output);
    }
    const fallbackScript = await ownFallback();
    if (fallbackScript && !heard.includes(fallbackScript.id)) return asFallback(fallbackScript);
    const all = await search({});
    // A repeat in the customer's language: the one heard longest ago (`heard` is oldest first).
    const age = (id: string) => {
      const at = heard.indexOf(id);
      return at < 0 ? heard.length : at;
    };
    chosen = inLang(all).sort((a, b) => age(a.scriptId) - age(b.scriptId))[0];
    if (chosen) return this.scriptReply(campaign, session, all, chosen, output);
    if (fallbackScript) return asFallback(fallbackScript);
    const last = unheard ?? all;
    chosen = last.matches[0];
    if (chosen) return this.scriptReply(campaign, session, last, chosen, output);
    const match = { threshold: all.threshold, libraryVersion: all.libraryVersion };
    // A call that ends on this turn says goodbye rather than asking to clarify.
    if (decision.action === 'hangup') {
      const reply = await timed('match', () => this.goodbye(campaign, session, lang, fit));
      if (reply) return { output, match, reply };
    }
    return { output, match };
  }

  /**
   * The bot's last reply said again (its scripts as the session's `said` keeps them: the line, its
   * follow-on or a streamed reply's parts), slots filled anew, as one reply: `scriptId` the first, `text`
   * all of them joined, `followOn` the last of several. Scripts no longer in the published library are
   * left out; undefined when none is left (the fallback chain then answers).
   */
  private async sayAgain(campaign: Campaign, session: Session, ids: readonly string[]): Promise<Reply | undefined> {
    const scripts = (await Promise.all(ids.map((id) => publishedScript(this.scripts, campaign.id, id)))).filter(
      (s): s is Script => s !== undefined,
    );
    const [first, ...rest] = scripts;
    if (!first) return undefined;
    const reply = this.toReply(first, campaign, session, { similarity: null, fallback: false });
    const last = rest.at(-1);
    if (!last) return reply;
    const texts = [reply.text, ...rest.map((s) => this.spoken(s.text, campaign, session))];
    return { ...reply, text: joinParts(texts), followOn: { scriptId: last.id, text: texts.at(-1)! } };
  }

  /**
   * The lead stage of the bot's last line (the last script it said: a follow-on when it had one), if
   * that script has one; undefined when it cannot be read (the lead's stage then decides).
   */
  private async lastLineStage(campaign: Campaign, session: Session): Promise<LeadStage | undefined> {
    const last = session.heard.at(-1);
    if (last === undefined) return undefined;
    try {
      return (await this.scripts.getScript(campaign.id, last))?.stage;
    } catch (err) {
      this.logger.warn({ err, campaignId: campaign.id, scriptId: last }, 'last line unavailable');
      return undefined;
    }
  }

  private async scriptReply(
    campaign: Campaign,
    session: Session,
    outcome: MatchOutcome,
    best: ScriptMatch,
    output: Candidate['output'],
  ): Promise<Candidate> {
    const match = { threshold: outcome.threshold, libraryVersion: outcome.libraryVersion, best: best.similarity };
    const script = await this.scripts.getScript(campaign.id, best.scriptId);
    return {
      output,
      match,
      reply:
        script &&
        this.toReply(script, campaign, session, {
          similarity: best.similarity,
          fallback: false,
          libraryVersion: outcome.libraryVersion,
        }),
    };
  }

  /**
   * A script the campaign names (`goodbyeScriptId` …) as the customer should hear it: in their
   * language when the library has a script of the same role in it (reply-fit.ts `sameRole`:
   * zh-goodbye ↔ en-goodbye), the one named otherwise.
   */
  private async namedScript(campaign: Campaign, scriptId: string, lang: string): Promise<Script | undefined> {
    const named = await this.scripts.getScript(campaign.id, scriptId);
    if (!named || named.tags.includes(lang)) return named;
    const [translated] = await this.scripts.findScripts(
      campaign.id,
      (s) => s.tags.includes(lang) && s.id !== named.id && sameRole(s, named),
    );
    return translated ?? named;
  }

  /**
   * The library line `pick` selects, by its language tag as the goodbye is (namedScript): the
   * customer's language, else the campaign's, else any. Not by similarity to what was said, nor by the
   * language its text reads as: an English line that names the company in Chinese characters is still
   * the English one. Undefined when the library has none, and each caller then says nothing unapproved:
   * no do-not-call confirmation question (`confirm`) honours the request at once; no calming line
   * (`abuse`) ends the call politely (dialogue-policy.ts abusiveTurn); no AI disclosure (`disclosure`)
   * gives the caller a person (`decideTurn`).
   */
  private async lineInLanguage(
    campaign: Campaign,
    lang: string,
    pick: (s: Script) => boolean,
  ): Promise<Script | undefined> {
    return firstInLanguage(await this.scripts.findScripts(campaign.id, pick), lang, campaign.language);
  }

  /**
   * The line a call ends on: the campaign's goodbye in the customer's language (namedScript); where it
   * names none (or its script is gone), the library's closing line fit for the turn (reply-fit.ts
   * closingLine), not the default fallback, which may ask a question the customer cannot answer;
   * undefined when the library has no closing line either.
   */
  private async goodbye(
    campaign: Campaign,
    session: Session,
    lang: string,
    turn: AnsweredTurn,
  ): Promise<Reply | undefined> {
    const script =
      (campaign.goodbyeScriptId && (await this.namedScript(campaign, campaign.goodbyeScriptId, lang))) ||
      closingLine(
        await this.scripts.findScripts(campaign.id, (s) => closesCall(s, campaign.routes, turn)),
        lang,
        campaign.language,
      );
    return script && this.toReply(script, campaign, session, { similarity: null, fallback: false });
  }

  /** Generator route: the LLM writes, compliance screens, the match maps it to an approved script. */
  private async generatorCandidate(
    campaign: Campaign,
    session: Session,
    /** The intent answered, and whether the turn lists a number. */
    fit: AnsweredTurn,
    action: Action,
    text: string,
    textVector: Promise<Float32Array>,
    clock: TurnClock,
    timed: <T>(key: 'generate' | 'comply' | 'match', work: () => Promise<T>) => Promise<T>,
    signal: AbortSignal | undefined,
    problems: string[],
    sink?: PartSink,
    said?: AnswerExample,
  ): Promise<Candidate> {
    const budgets = campaign.deadlines.stages;
    // The prompt's history comes from the transcript, read while the exemplars are looked up. Without
    // it (Redis slow or failing) the model still gets the utterance: a degraded prompt, not a lost turn.
    const history = clock.run('history', budgets.match, () => this.sessions.history(session.id, HISTORY_TURNS));
    history.catch(() => undefined);
    const {
      texts: exemplars,
      answer,
      again,
    } = campaign.generator.exemplars > 0
      ? await timed('match', () =>
          clock.run('match', budgets.match, async () =>
            this.exemplars(campaign, session, fit, action, text, await textVector, said),
          ),
        )
      : { texts: [] as string[], answer: undefined, again: undefined };
    const answerExample = answer && {
      scriptId: answer.scriptId,
      text: answer.example,
      similarity: round(answer.similarity, 4),
    };
    const { intent } = fit;
    if (answer) this.metrics.answerExamples.inc({ intent });
    // The heard reply quoted first, which the turn may say again (`Candidate.again`).
    const asked = <C extends Candidate>(c: C): C => (again === undefined ? c : { ...c, again });
    let past: HistoryMessage[] = [];
    try {
      past = await history;
    } catch (err) {
      problems.push(describe('history', err));
    }
    const params = mergeSamplingParams(campaign.generator.params, campaign.generator.paramsByIntent[intent]);
    const prompt = buildPrompt({
      systemPrompt: campaign.generator.systemPrompt,
      productFacts: campaign.generator.productFacts,
      history: [...past, { role: 'user', content: text }],
      exemplars,
      maxPromptTokens: Math.max(256, PROMPT_TOKENS - (params.max_tokens ?? 256)),
    });

    // Leave the output check and the match their budgets out of the turn.
    const deadlineMs = Math.max(0, Math.min(budgets.generate, clock.left() - budgets.comply - budgets.match));
    const abort = new AbortController();
    const signals = signal ? AbortSignal.any([signal, abort.signal]) : abort.signal;
    const request = { messages: prompt.messages, params, deadlineMs, signal: signals };
    const approve = (candidate: string) => this.approve(campaign, session, action, fit, candidate, clock, timed);
    if (sink) {
      const streamed = await streamCandidate({
        chunks: this.generator.stream(request),
        approve,
        pull: (work) => timed('generate', work),
        sink,
        model: this.config.generator.model ?? this.config.generator.provider,
        problems,
      });
      return asked(
        streamed.generator && answerExample
          ? { ...streamed, generator: { ...streamed.generator, answerExample } }
          : streamed,
      );
    }
    let generated: GenerateResult;
    try {
      generated = await timed('generate', () =>
        clock.run('generate', deadlineMs, () => this.generator.generate(request)),
      );
    } catch (err) {
      abort.abort();
      problems.push(describe('generate', err));
      return asked({
        output: { verdict: 'allow', hits: [] },
        generator: { model: 'unknown', finishReason: 'failed', latencyMs: 0, answerExample },
      });
    }
    const genInfo = {
      model: generated.model,
      finishReason: generated.finishReason,
      latencyMs: generated.latencyMs,
      ...(generated.ignoredParams?.length ? { ignoredParams: generated.ignoredParams } : {}),
      ...(generated.thinking ? { thinking: generated.thinking } : {}),
      answerExample,
    };
    if (generated.finishReason === 'error' || generated.finishReason === 'deadline' || !generated.text.trim()) {
      problems.push(`generate: finish ${generated.finishReason}`);
      return asked({ output: { verdict: 'allow', hits: [] }, generator: genInfo });
    }
    const { checked, ...approved } = await approve(generated.text);
    // The candidate is kept for review even when blocked; its PII is already masked by the check.
    return asked({ ...approved, generator: { ...genInfo, candidate: checked } });
  }

  /**
   * The approved replies the generator prompt quotes (`generator.exemplars` of them), as the customer
   * would hear them (slots filled: the model sees the real price, not `{price}`). A model stays close to
   * what it is shown and the match then maps its answer to the nearest script, so the prompt shows the
   * scripts this answer should end on: first the one whose campaign example (`intentExamples.byScript`)
   * is near what the customer said, then the classified intent's, ones not heard yet before repeats,
   * then the nearest others; within each group, those sharing the utterance's words first, then the
   * nearest.
   * All in the customer's language first: a caller who
   * speaks Chinese gets no English wording to copy unless the library has too few Chinese scripts.
   * Only scripts fit for the turn are shown (a continue turn is never shown a transfer or closing
   * line to copy, a hangup or transfer turn another intent's), and scripts of other intents only when
   * the classified intent has none in the customer's language: once its scripts were heard, a model
   * shown the nearest others answers "yes" with a deny script (en-deny-engaged) rather than repeat an
   * affirm one.
   */
  private async exemplars(
    campaign: Campaign,
    session: Session,
    fit: AnsweredTurn,
    action: Action,
    text: string,
    vector: Float32Array,
    said?: AnswerExample,
  ): Promise<{ texts: string[]; answer?: AnswerExample; again?: string }> {
    const k = campaign.generator.exemplars;
    // Room for the scripts of other languages and of the intent that the ranking below moves down.
    const wide = Math.min(SCRIPT_LIMITS.maxK, k * 4);
    const allow = (s: Script) => quotable(s, action, campaign.routes, fit);
    const [own, near, found] = await Promise.all([
      this.scripts.match({ campaignId: campaign.id, vector, intent: fit.intent, k: wide, allow }),
      this.scripts.match({ campaignId: campaign.id, vector, k: wide, allow }),
      // Examples that cannot be embedded now (encoder down) leave the ranking below as it was.
      said ?? this.examples.answer(campaign, fit.intent, vector).catch(() => undefined),
    ]);
    let answer = found;
    const lang = this.replyLanguage(session, campaign);
    const heard = new Set(session.heard);
    const ofIntent = new Set(own.matches.map((m) => m.scriptId));
    // One entry per script (both lookups give a script the same similarity).
    const byId = new Map([...own.matches, ...near.matches].map((m) => [m.scriptId, m]));
    // The script whose campaign example is near what the customer said answers it, heard or not;
    // it may lie beyond the nearest scripts the lookups return.
    if (answer && !byId.has(answer.scriptId)) {
      const script = await publishedScript(this.scripts, campaign.id, answer.scriptId);
      // Fallback scripts are never quoted as exemplars.
      if (script && !script.fallback && allow(script)) {
        byId.set(script.id, { scriptId: script.id, text: script.text, similarity: answer.similarity });
      } else answer = undefined;
    }
    const unique = [...byId.values()];
    // Other intents' scripts only when the intent has none in the customer's language (they still
    // weigh in the word overlap below, as the nearest replies).
    const ownSpoken = own.matches.some((m) => languageOf(m.text) === lang);
    const shown = (id: string) => !ownSpoken || ofIntent.has(id) || id === answer?.scriptId;
    const texts = unique.map((m) => this.spoken(m.text, campaign, session));
    // Within a group, the words the utterance shares with a reply come first (a question and its
    // answer share words more than meaning, which the encoder's similarity is trained on), then
    // the similarity (lexical-rank.ts).
    const lexical = lexicalScores(text, texts);
    // The slot the intent's question asks for (ask_price → {price}): the first answer states it (first-answer.ts).
    const asked = campaign.askedSlots[fit.intent];
    const statesSlot = (m: ScriptMatch) =>
      asked !== undefined && ofIntent.has(m.scriptId) && m.text.includes(`{${asked}}`);
    const stages = new Map(
      await Promise.all(
        unique
          .filter(statesSlot)
          .map(async (m) => [m.scriptId, (await this.scripts.getScript(campaign.id, m.scriptId))?.stage] as const),
      ),
    );
    const { rank, answerId } = rankReplies(
      unique.map((m, i) => ({
        id: m.scriptId,
        spoken: languageOf(m.text) === lang,
        ofIntent: ofIntent.has(m.scriptId),
        heard: heard.has(m.scriptId),
        lexical: lexical[i],
        statesSlot: statesSlot(m),
        general: stages.get(m.scriptId) === undefined,
      })),
      answer?.scriptId,
      QUESTION_INTENTS.has(fit.intent),
    );
    const ranked = unique
      .map((m, i) => ({
        id: m.scriptId,
        text: texts[i],
        rank: rank.get(m.scriptId) ?? 0,
        lexical: lexical[i],
        heard: heard.has(m.scriptId),
        similarity: m.similarity,
      }))
      .sort(byAnswer)
      .filter((e) => shown(e.id))
      .slice(0, k);
    // The answer counts as shown first only when it is (a reply in another language is ranked down,
    // the first answer to a slot question may put the replies stating the slot before it).
    return {
      texts: ranked.map((e) => e.text),
      answer: answerId && ranked[0]?.id === answerId ? answer : undefined,
      // A heard reply quoted first because it shares more of the words than every unheard one answers
      // better: the question was asked again. One first for want of another (no words shared: 太贵了 to a
      // library with one price objection line) is not, and "no line twice in a row" still applies.
      again: QUESTION_INTENTS.has(fit.intent) && ranked[0]?.heard && ranked[0].lexical > 0 ? ranked[0].id : undefined,
    };
  }

  /**
   * Output compliance and the script match of one generated text (the whole answer, or one
   * streamed sentence). A blocked text is a policy outcome, not a failure: no reply, not degraded.
   */
  private async approve(
    campaign: Campaign,
    session: Session,
    action: Action,
    fit: AnsweredTurn,
    text: string,
    clock: TurnClock,
    timed: <T>(key: 'comply' | 'match', work: () => Promise<T>) => Promise<T>,
  ): Promise<Approval> {
    const budgets = campaign.deadlines.stages;
    const checked = await timed('comply', () =>
      clock.run('comply', budgets.comply, () =>
        this.compliance.check(text, 'output', campaign.id, { policy: campaign.compliance }),
      ),
    );
    const output = { verdict: checked.verdict, hits: checked.hits };
    if (checked.verdict === 'block') return { output, checked: checked.text };

    // A candidate in another language than the caller's (the offline generator quoting an English line
    // to a Chinese caller who said "5G") never lands on a line in that language when the library has lines
    // in the caller's: only scripts tagged with it, or with no language tag, are matched; nothing near
    // enough → the fallback chain, in the caller's language. A library without such lines matches as before.
    const lang = this.replyLanguage(session, campaign);
    const inCallersLanguage = (await this.scripts.libraryTags(campaign.id).catch(() => undefined))?.has(lang) ?? false;
    const spokenIn = (s: Script) => !inCallersLanguage || s.tags.includes(lang) || !s.tags.some(isLanguageTag);
    const outcome = await timed('match', () =>
      clock.run('match', budgets.match, () =>
        // Only scripts fit for the turn: a continue turn never lands on a transfer or closing line, a
        // hangup or transfer never on another intent's ("our details are out of date" said to a
        // do-not-call), however near (reply-fit.ts); nothing fit enough → the fallback chain.
        this.scripts.match({
          campaignId: campaign.id,
          text: checked.text,
          k: 3,
          allow: (s) => quotable(s, action, campaign.routes, fit) && spokenIn(s),
        }),
      ),
    );
    const match = {
      threshold: outcome.threshold,
      libraryVersion: outcome.libraryVersion,
      best: outcome.matches[0]?.similarity,
    };
    if (!outcome.accepted) return { output, match, checked: checked.text };
    const script = await this.scripts.getScript(campaign.id, outcome.accepted.scriptId);
    return {
      output,
      match,
      checked: checked.text,
      reply:
        script &&
        this.toReply(script, campaign, session, {
          similarity: outcome.accepted.similarity,
          fallback: false,
          libraryVersion: outcome.libraryVersion,
        }),
    };
  }

  private async embed(text: string): Promise<Float32Array> {
    const [vector] = await this.embedder.embed([text]);
    return vector;
  }

  /** Fallback for the intent, else the stage, else the campaign default (DESIGN §1 step 7). */
  private async fallback(
    campaign: Campaign,
    session: Session,
    intent: IntentName | undefined,
    decision: TurnDecision,
    similarity: number | null,
  ): Promise<Reply> {
    let script: Script;
    try {
      script = await this.scripts.resolveFallback(campaign.id, {
        intent,
        stage: decision.reached,
        // Answer in the customer's language when the library has a fallback in it.
        language: this.replyLanguage(session, campaign),
      });
    } catch (err) {
      // Only "this campaign has no fallback" becomes the outage below; anything else (Redis down →
      // 503 "storage is unavailable") keeps its own meaning for the error filter.
      if (!(err instanceof HuashuException && err.code === 'NOT_FOUND')) throw err;
      // Without even a fallback script there is nothing approved to say: that is an outage.
      throw new HuashuException('SERVICE_UNAVAILABLE', 'no fallback script available for this campaign', [], {
        cause: err,
      });
    }
    return this.toReply(script, campaign, session, { similarity, fallback: true });
  }

  /**
   * A reply for a turn whose answer was the bot's last line (`lastLine`): the intent's fallback, else the
   * stage's, else the library's clarifying line (an out_of_scope script, zh-clarify), else the campaign
   * default, in the customer's language, the first that is not in the last line and fits the turn;
   * undefined when every one is (the repeat then stands: there is nothing else approved to say).
   */
  private async unrepeated(
    campaign: Campaign,
    session: Session,
    intent: IntentName,
    decision: TurnDecision,
    lastLine: readonly string[],
    fit: AnsweredTurn,
  ): Promise<Reply | undefined> {
    const language = this.replyLanguage(session, campaign);
    const stage = decision.reached;
    const fresh = (s: Script | undefined): s is Script =>
      s !== undefined && !lastLine.includes(s.id) && quotable(s, decision.action, campaign.routes, fit);
    const fallback = (opts: { intent?: IntentName; stage?: ScriptStage }) =>
      this.scripts.resolveFallback(campaign.id, { ...opts, language }).catch(() => undefined);
    for (const opts of [{ intent, stage }, { stage }]) {
      const script = await fallback(opts);
      if (fresh(script)) return this.toReply(script, campaign, session, { similarity: null, fallback: true });
    }
    const clarify = await this.scripts.findScripts(
      campaign.id,
      (s) => s.intent === 'out_of_scope' && !s.fallback && fresh(s),
    );
    const line = firstInLanguage(clarify, language, campaign.language) ?? (await fallback({}));
    return fresh(line) ? this.toReply(line, campaign, session, { similarity: null, fallback: true }) : undefined;
  }

  /**
   * The reply unless its script announces another action than the turn takes (reply-fit.ts): a
   * transfer turn then announces the transfer with the library's generic transfer script (tagged
   * `transfer`, no intent), a hangup turn says the campaign's goodbye or else a closing line of the
   * library (`goodbye`), both in the customer's language. A streamed reply was already spoken and stays.
   */
  private async fitReply(
    campaign: Campaign,
    session: Session,
    reply: Reply,
    action: Action,
    fit: AnsweredTurn,
  ): Promise<Reply> {
    if (reply.parts || action === 'continue') return reply;
    const script = await this.scripts.getScript(campaign.id, reply.scriptId);
    if (!script || fitsAction(script, action, campaign.routes, fit)) return reply;
    const lang = this.replyLanguage(session, campaign);
    if (action === 'hangup') return (await this.goodbye(campaign, session, lang, fit)) ?? reply;
    const generic = await this.lineInLanguage(campaign, lang, (s) => announcesTransfer(s, action, campaign, fit));
    return generic ? this.toReply(generic, campaign, session, { similarity: null, fallback: false }) : reply;
  }

  /**
   * The reply followed by the script the campaign names after its (last) script (`followOns`: a line
   * that promises content, "那我先简单说一下套餐内容", then the summary it promises), in the same reply:
   * `text` both joined, `scriptId` the first, `followOn` the second. Left as it is when the follow-on is
   * not in the published library (or disabled), was heard already in this conversation (it counts as
   * heard once said), or does not fit the turn (reply-fit.ts `quotable`: a continue turn never adds a
   * closing or transfer line). A streamed reply gets it as one more part, sent at once.
   */
  private async withFollowOn(
    campaign: Campaign,
    session: Session,
    reply: Reply,
    action: Action,
    fit: AnsweredTurn,
    sink?: PartSink,
  ): Promise<Reply> {
    const lead = reply.parts?.at(-1)?.scriptId ?? reply.scriptId;
    const nextId = campaign.followOns[lead];
    if (nextId === undefined || session.heard.includes(nextId)) return reply;
    if (reply.parts?.some((p) => p.scriptId === nextId) || reply.scriptId === nextId) return reply;
    let next: Script | undefined;
    try {
      next = await publishedScript(this.scripts, campaign.id, nextId);
    } catch (err) {
      // The lead-in alone is still an approved reply: a follow-on that cannot be read is left out.
      this.logger.warn({ err, campaignId: campaign.id, scriptId: nextId }, 'follow-on script unavailable');
      return reply;
    }
    if (!next || !quotable(next, action, campaign.routes, fit)) return reply;
    const followOn = { scriptId: next.id, text: this.spoken(next.text, campaign, session) };
    if (reply.parts) {
      sink?.({ text: followOn.text, scriptId: followOn.scriptId, similarity: null });
      const parts = [...reply.parts, { ...followOn, similarity: null }];
      return { ...reply, text: joinParts(parts.map((p) => p.text)), parts, followOn };
    }
    return { ...reply, text: joinParts([reply.text, followOn.text]), followOn };
  }

  /**
   * The language of every line said to the caller (language.ts `replyLanguage`): the one their words
   * last told, else the one the start's hint found in the library (so the first fallbacks, the transfer
   * line and the goodbye of a call opened in English stay English), else the campaign's.
   */
  private replyLanguage(session: Session, campaign: Campaign): string {
    return replyLanguage(session, campaign.language);
  }

  private toReply(
    script: Script,
    campaign: Campaign,
    session: Session,
    opts: { similarity: number | null; fallback: boolean; libraryVersion?: number },
  ): Reply {
    return {
      text: this.spoken(script.text, campaign, session),
      scriptId: script.id,
      // The published library version that served the turn, never the script's own revision
      // (`script.version`); 0 only for a script the matcher did not hand out, which never happens.
      libraryVersion: opts.libraryVersion ?? this.scripts.libraryVersionOf(script) ?? 0,
      similarity: opts.similarity === null ? null : round(opts.similarity, 4),
      fallback: opts.fallback,
    };
  }

  /**
   * A script's text as the customer hears it: the campaign's slots (those of the script's language over
   * the others) and the customer's name filled in; without a name (or one with nothing speakable left
   * once cleaned, as a blank one), the campaign's own `customer_name` slot (e.g. 机主) when it sets one.
   */
  private spoken(text: string, campaign: Campaign, session: Session, turnSlots: Record<string, string> = {}): string {
    // Most scripts have no placeholder: skip building the slot values (an object spread) for them.
    if (!text.includes('{')) return text;
    const lang = languageOf(text) ?? baseLanguage(this.replyLanguage(session, campaign)) ?? campaign.language;
    const slots = { ...campaign.slots, ...campaign.slotsByLanguage[lang] };
    return this.scripts.fillSlots(text, {
      ...slots,
      customer_name: slotValue(session.customer.name) || slots.customer_name,
      ...turnSlots,
    }).text;
  }

  /**
   * When the callback is due (read in the campaign's time zone), and whether huashu schedules it: only
   * with a dialer webhook; without one the client (a dialer that schedules its own callbacks) has to.
   */
  private callbackDue(when: CallbackTime, campaign: Campaign, listed: boolean): TurnCallback {
    const scheduled = !!this.config.dialogue.dialerWebhookUrl && !listed;
    if (listed) this.callbacks.notScheduledForListed();
    return {
      dueAt: when.at.toISOString(),
      timeZone: campaign.timeZone ?? processTimeZone(),
      ...(when.source === 'default' ? {} : { requested: when.text }),
      ...(when.movedFrom
        ? { movedFrom: when.movedFrom.toISOString(), callingHours: { ...campaign.callingHours } }
        : {}),
      scheduled,
      ...(scheduled
        ? {}
        : { notScheduledReason: listed ? 'the number is on the do-not-call list' : 'DIALER_WEBHOOK_URL is not set' }),
    };
  }

  /**
   * The callback confirmation with its `{callback_time}` slot filled: the time the call is due, on the
   * customer's clock ("明天下午3点", "tomorrow at 3 PM"). Said for a stated time or duration, and for any
   * time calling hours moved (a "later" at 19:30, the default delay in the night): the caller hears the
   * time they will be called, not only "at the time that suits you". The reply's own script when it has
   * the slot; else the library's line that names the callback time (a `callback_time` script, reserved:
   * only this step says it) in the reply's language; else the reply as it was. A vague "later" or no time,
   * not moved, is not confirmed as a clock time: +1 h is no time the customer named. A streamed reply was
   * sent already and is left as it is.
   */
  private async sayCallbackTime(
    campaign: Campaign,
    session: Session,
    reply: Reply,
    when: CallbackTime,
    callback: TurnCallback,
  ): Promise<Reply> {
    const named = when.source === 'datetime' || when.source === 'relative';
    if (reply.parts || (!named && when.movedFrom === undefined)) return reply;
    const own = await publishedScript(this.scripts, campaign.id, reply.scriptId).catch(() => undefined);
    const lang = languageOf(own?.text ?? reply.text) ?? this.replyLanguage(session, campaign);
    const script = own?.text.includes(`{${CALLBACK_TIME_SLOT}}`)
      ? own
      : await this.lineInLanguage(campaign, lang, namesCallbackTime).catch(() => undefined);
    if (!script?.text.includes(`{${CALLBACK_TIME_SLOT}}`)) return reply;
    const time = spokenCallbackTime(
      new Date(callback.dueAt),
      callback.timeZone,
      languageOf(script.text) ?? baseLanguage(lang) ?? campaign.language,
      this.wallClock.now(),
    );
    const text = this.spoken(script.text, campaign, session, { [CALLBACK_TIME_SLOT]: time });
    return script === own
      ? { ...reply, text }
      : { ...this.toReply(script, campaign, session, { similarity: null, fallback: false }), text };
  }

  /**
   * Schedules the callback decided for the turn, at exactly its `dueAt`. A conversation without a
   * phone number still gets it (the dialer may know the call by its conversation id): the POST then
   * has no `phone`.
   */
  private async scheduleCallback(campaign: Campaign, session: Session, turn: number, due: TurnCallback): Promise<void> {
    try {
      await this.callbacks.schedule({
        conversationId: session.id,
        campaignId: campaign.id,
        phone: session.customer.phone,
        customerName: session.customer.name,
        dueAt: due.dueAt,
        timeZone: due.timeZone,
        requested: due.requested,
        reason: 'busy_call_later',
        turn,
      });
    } catch (err) {
      // The turn is recorded and the caller hears the goodbye; a lost callback is logged, not a 5xx.
      this.logger.error({ err, conversationId: session.id }, 'callback scheduling failed');
    }
  }
}

/** What the opening may be followed by: a greeting's continue turn (no listing). */
const GREETED: AnsweredTurn = { intent: 'greeting', lists: false };

/** The do-not-call confirmation question: a do_not_call script tagged `confirm`. */
const confirmsDoNotCall = (s: Script): boolean => s.intent === 'do_not_call' && asksToConfirm(s);

/** The library's generic transfer announcement (no intent, tagged `transfer`) that fits the turn's action. */
const announcesTransfer = (s: Script, action: Action, campaign: Campaign, fit: AnsweredTurn): boolean =>
  s.intent === undefined && s.tags.includes('transfer') && fitsAction(s, action, campaign.routes, fit);

/** The follow-on of a reply, if it has one, as a list of script ids. */
const followOnId = (reply: Reply): string[] => (reply.followOn ? [reply.followOn.scriptId] : []);

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

const roundTimings = (t: TurnResult['timingsMs']): TurnResult['timingsMs'] => ({
  classify: round(t.classify, 3),
  generate: round(t.generate, 3),
  comply: round(t.comply, 3),
  match: round(t.match, 3),
  total: round(t.total, 3),
});

/** A text cut to `max` characters (code points), an ellipsis marking the cut. */
const clip = (text: string, max: number): string => {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
};

/** Input hits echo their category and span, never the customer's PII itself. */
const maskHit = (h: ComplianceHit): ComplianceHit => ({ ...h, match: '*'.repeat(Math.min(h.match.length, 16)) });

const describe = (stage: string, err: unknown): string =>
  err instanceof StageTimeoutError ? `${stage}: ${err.message}` : `${stage}: ${(err as Error)?.message ?? String(err)}`;

const found = (conversationId: string, session: Session | undefined): Session => {
  if (!session) throw new HuashuException('NOT_FOUND', 'no such conversation (or it expired)', [{ conversationId }]);
  return session;
};

const lockLost = (id: string) =>
  new HuashuException('CONVERSATION_BUSY', 'the turn overran its lock and was not recorded; retry', [
    { conversationId: id },
  ]);

/** A script of the campaign's published library; undefined also when the campaign has never published. */
async function publishedScript(
  scripts: ScriptMatcherPort,
  campaignId: string,
  scriptId: string,
): Promise<Script | undefined> {
  try {
    return await scripts.getScript(campaignId, scriptId);
  } catch (err) {
    if (err instanceof HuashuException && err.code === 'NOT_FOUND') return undefined;
    throw err;
  }
}

/** Words asking to be called again (zh: 再打/回电/打给我…; en: call/ring me back/again…). */
const CALL_AGAIN =
  /(再|回)(打|拨|来电|电话)|打(给|回)我|回个?电话|再联系|\b(call|ring|phone)\s+(me\s+)?(back|again)\b|\b(call|ring|phone)\s+me\s+(at|on|tomorrow|tonight|next|in)\b/i;

/**
 * Whether an utterance asks to be called again at a stated time: a call-again phrase and a time the
 * callback parser reads as a duration or a date/time (a vague "later" is not enough on its own).
 */
function asksForCallbackAt(text: string, time: () => CallbackTime): boolean {
  if (!CALL_AGAIN.test(text)) return false;
  const { source } = time();
  return source === 'relative' || source === 'datetime';
}
