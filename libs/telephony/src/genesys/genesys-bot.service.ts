import { Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import { HuashuException } from '@huashu/common';
import { TelephonyService } from '../telephony.service.js';
import { TELEPHONY_EVENTS, TELEPHONY_PLATFORMS, type TelephonyOutcome } from '../telephony-event.js';
import { speechLanguage } from '../language.js';
import { parsePayload } from '../validation.js';

/*
 * Genesys Cloud Digital Bot Connector (v2) customer API — the bot side Genesys calls:
 * https://developer.genesys.cloud/commdigital/textbots/digital-botconnector-customer-api-spec
 * (overview: https://help.mypurecloud.com/articles/about-genesys-digital-bot-connector).
 * GET {base}/bots, GET {base}/bots/{botId}, POST {base}/messages with botId, botVersion,
 * botSessionId, messageId, inputMessage {type Text|Structured, text, content[]}, languageCode,
 * botSessionTimeout, genesysConversationId, parameters (strings). Answer: botState
 * MoreData|Complete|Failed (exact casing), replyMessages [{type Text, text}], intent (on Complete),
 * parameters (string values), errorInfo. A missing/wrong connection secret header → 403.
 * Each campaign is offered as one bot (bot id = campaign id).
 *
 * Bot shape (GET bots → {entities: [Bot]}, GET bots/{id} → Bot): Bot {id, name, description,
 * versions: [{version, supportedLanguages, intents: [{name, entities: []}]}]}. The vendor spec page
 * above is not in the stored docs this was checked against; the shape follows Genesys' own models
 * of the same objects (platform-client SDK docs Bot.md, BotVersion.md, BotConnectorIntent.md:
 * intents carry `entities`, not the voice Bot Connector's `slots`) and Genesys' reference
 * middleware (github.com/DOAGenesys/DigitalBotConnector_v2_OpenAIResponsesAPI: bots listed in
 * full under `entities`).
 */

const PLATFORM = TELEPHONY_PLATFORMS.GENESYS;
const BOT_VERSION = '1';
/** Intents a session can complete with (Architect branches on them). */
export const GENESYS_INTENTS = { TRANSFER: 'transfer_to_agent', HANGUP: 'end_conversation' } as const;

export const genesysMessageSchema = z.looseObject({
  botId: z.string().min(1).max(200),
  botVersion: z.string().max(50).optional(),
  botSessionId: z.string().min(1).max(200),
  messageId: z.string().min(1).max(200),
  inputMessage: z.looseObject({
    type: z.enum(['Text', 'Structured']),
    text: z.string().max(10_000).optional(),
    content: z.array(z.record(z.string(), z.unknown())).max(50).optional(),
  }),
  languageCode: z.string().max(35).optional(),
  botSessionTimeout: z.number().int().nonnegative().optional(),
  genesysConversationId: z.string().max(200).optional(),
  parameters: z.record(z.string(), z.string().max(2000)).optional(),
});

export interface GenesysReply {
  botState: 'MoreData' | 'Complete' | 'Failed';
  replyMessages: { type: 'Text'; text: string }[];
  intent?: string;
  confidence?: number;
  parameters?: Record<string, string>;
  errorInfo?: { errorCode: string; errorMessage: string };
}

/** Text of a Structured input: its text, else the first button/quick-reply payload or text. */
function structuredText(input: { text?: string; content?: Record<string, unknown>[] }): string {
  if (input.text) return input.text;
  for (const c of input.content ?? []) {
    const button = (c.buttonResponse ?? c.quickReply) as Record<string, unknown> | undefined;
    const t = button?.text ?? button?.payload;
    if (typeof t === 'string' && t) return t;
  }
  return '';
}

/** Outcome → Digital Bot Connector answer. Parameters are strings only (the spec's map<string,string>). */
export function outcomeToGenesys(outcomes: TelephonyOutcome[]): GenesysReply {
  const last = outcomes[outcomes.length - 1];
  if (last.error) {
    // A digital conversation is better served by the flow's failure path than by a repeated message.
    return {
      botState: 'Failed',
      replyMessages: [],
      errorInfo:
        last.error === 'deadline'
          ? { errorCode: 'BotTimeout', errorMessage: 'the bot did not answer within its deadline' }
          : { errorCode: 'BotError', errorMessage: 'the bot could not process the message' },
    };
  }
  const replyMessages = outcomes.flatMap((o) => (o.say ? [{ type: 'Text' as const, text: o.say.text }] : []));
  const parameters: Record<string, string> = { conversationId: last.conversationId, action: last.action };
  if (last.turn !== undefined) parameters.turn = String(last.turn);
  if (last.intent) {
    parameters.huashuIntent = last.intent.name;
    parameters.huashuConfidence = String(last.intent.confidence);
  }
  if (last.doNotCall) parameters.huashuDoNotCall = last.doNotCall;
  if (last.degraded) parameters.degraded = 'true';
  if (last.action === 'transfer') {
    if (last.transfer?.target) parameters.transferTarget = last.transfer.target;
    parameters.reason = last.transfer?.reason ?? 'transfer';
    if (last.transfer?.summary) parameters.summary = last.transfer.summary;
    return {
      botState: 'Complete',
      replyMessages,
      intent: GENESYS_INTENTS.TRANSFER,
      confidence: last.intent?.confidence,
      parameters,
    };
  }
  if (last.action === 'hangup') {
    parameters.reason = last.hangup?.reason ?? 'hangup';
    // A busy caller's callback, for the flow (and the dialer behind it) to schedule. The answer's
    // `parameters` become the action's output session variables, a map of strings only (spec above;
    // AudioConnector's `disconnect` `parameters.outputVariables` is the same idea for the audio
    // integration, not implemented here), so each field is its own variable.
    const callback = last.hangup?.callback;
    if (callback) {
      parameters.callbackDueAt = callback.dueAt;
      parameters.callbackTimeZone = callback.timeZone;
      if (callback.requested) parameters.callbackRequested = callback.requested;
    }
    return {
      botState: 'Complete',
      replyMessages,
      intent: GENESYS_INTENTS.HANGUP,
      confidence: last.intent?.confidence,
      parameters,
    };
  }
  return { botState: 'MoreData', replyMessages, parameters };
}

@Injectable()
export class GenesysBotService {
  private readonly logger = new Logger('GenesysBot');

  constructor(private readonly telephony: TelephonyService) {}

  async listBots() {
    const ids = await this.telephony.listCampaigns();
    const all = ids.includes('default') ? ids : ['default', ...ids];
    const entities = await Promise.all(all.map(async (id) => this.describe(id)));
    return { entities };
  }

  async getBot(botId: string) {
    if (!(await this.telephony.campaignExists(botId))) throw new HuashuException('NOT_FOUND', `bot ${botId} not found`);
    return this.describe(botId);
  }

  /**
   * POST messages. Dialogue problems answer 200 with botState Failed (Genesys then takes the
   * flow's failure path) instead of a 5xx; only malformed requests get 4xx.
   */
  async message(body: unknown): Promise<GenesysReply> {
    const req = parsePayload(genesysMessageSchema, body, 'Genesys bot connector message');
    try {
      if (!(await this.telephony.campaignExists(req.botId))) {
        return this.failed('UnknownBot', `bot ${req.botId} not found`);
      }
      const text = req.inputMessage.type === 'Text' ? (req.inputMessage.text ?? '') : structuredText(req.inputMessage);
      const outcomes: TelephonyOutcome[] = [];
      const known = await this.telephony.call(PLATFORM, req.botSessionId);
      if (!known) {
        const start = await this.telephony.startCall(PLATFORM, req.botSessionId, {
          campaignId: req.botId,
          phone: req.parameters?.phone ?? req.parameters?.customerPhone,
          // "The language code the bot will run under" (Genesys' PostTextRequest model; the v2 messages
          // request carries it as `languageCode`, e.g. "en-us"): the greeting is in it.
          language: req.languageCode,
          metadata: { genesysConversationId: req.genesysConversationId, languageCode: req.languageCode },
        });
        outcomes.push(start);
        if (start.action === 'hangup' || text.trim() === '') return outcomeToGenesys(outcomes);
      }
      const outcome = await this.telephony.handle(
        PLATFORM,
        req.botSessionId,
        { type: TELEPHONY_EVENTS.USER_TEXT, text, final: true },
        req.messageId,
      );
      if (!outcome) return this.failed('SessionNotFound', 'bot session not found');
      outcomes.push(outcome);
      // botSessionTimeout: "a timeout value for an entire conversation in minutes" (Bot Connector
      // v2 spec): the bot session lapses that long after its first message; a later message with the
      // same botSessionId then starts a new conversation (greeting + answer).
      if (req.botSessionTimeout)
        await this.telephony.sessionLimit(PLATFORM, req.botSessionId, req.botSessionTimeout * 60);
      return outcomeToGenesys(outcomes);
    } catch (err) {
      if (err instanceof HuashuException && err.status < 500 && err.code !== 'CONVERSATION_BUSY') throw err;
      this.logger.warn({ err, botSessionId: req.botSessionId }, 'Genesys message failed');
      return this.failed('BotError', 'the bot could not process the message');
    }
  }

  private failed(errorCode: string, errorMessage: string): GenesysReply {
    return { botState: 'Failed', replyMessages: [], errorInfo: { errorCode, errorMessage } };
  }

  private async describe(id: string) {
    const campaign = await this.telephony.campaign(id);
    return {
      id,
      // Bot: name up to 100 characters; provider required ("for analytics and reporting").
      name: [...(campaign.name || id)].slice(0, 100).join(''),
      description: `huashu sales bot, campaign ${id}`,
      provider: 'huashu',
      versions: [
        {
          version: BOT_VERSION,
          supportedLanguages: [speechLanguage(campaign.language).toLowerCase()],
          intents: Object.values(GENESYS_INTENTS).map((name) => ({ name, entities: [] })),
        },
      ],
    };
  }
}
