import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { CampaignService, CampaignsModule } from '@huashu/campaigns';
import { AudioCodesBotService } from './audiocodes/audiocodes-bot.service.js';
import { BARGE_IN_RECORDER, SessionBargeInRecorder } from './barge-in.recorder.js';
import { SessionRepository } from '@huashu/dialogue';
import { CallSessionStore } from './call-session.store.js';
import { GenericEventsService } from './generic/generic-events.service.js';
import { GenesysBotService } from './genesys/genesys-bot.service.js';
import { TELEPHONY_CAMPAIGNS } from './telephony.constants.js';
import { TelephonyService } from './telephony.service.js';
import { ConversationRelayService } from './twilio/conversation-relay.service.js';
import { TwilioVoiceService } from './twilio/twilio-voice.service.js';

const ADAPTERS = [
  AudioCodesBotService,
  TwilioVoiceService,
  ConversationRelayService,
  GenesysBotService,
  GenericEventsService,
];

/**
 * Telephony call handling and the platform adapters. The host passes the module that provides
 * `DIALOGUE` (DialogueModule), so this lib depends on the DialoguePort contract only. Needs the
 * global Redis/Config/Metrics modules (OpsModule).
 */
@Module({})
export class TelephonyModule {
  static register(dialogue: NonNullable<ModuleMetadata['imports']>[number]): DynamicModule {
    return {
      module: TelephonyModule,
      imports: [dialogue, CampaignsModule],
      providers: [
        CallSessionStore,
        TelephonyService,
        { provide: TELEPHONY_CAMPAIGNS, useExisting: CampaignService },
        // The dialogue module keeps its session store private; a second instance shares the
        // Redis lock (the per-process FIFO in front of it is only an optimisation).
        SessionRepository,
        { provide: BARGE_IN_RECORDER, useClass: SessionBargeInRecorder },
        ...ADAPTERS,
      ],
      exports: [TelephonyService, ...ADAPTERS],
    };
  }
}
