import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { TelephonyModule } from '@huashu/telephony';
import { AudioCodesController } from './audiocodes.controller.js';
import { GenesysController } from './genesys.controller.js';
import { TelephonyEventsController } from './telephony-events.controller.js';
import {
  AudioCodesAuthGuard,
  GenesysSecretGuard,
  TelephonyEventsGuard,
  TwilioSignatureGuard,
} from './telephony.guards.js';
import { AudioCodesWsGateway, TwilioRelayGateway } from './telephony-ws.gateways.js';
import { TwilioVoiceController } from './twilio-voice.controller.js';

/** Telephony routes of DESIGN §4 (HTTP + WebSocket). Pass the module providing DIALOGUE. */
@Module({})
export class TelephonyHttpModule {
  static register(dialogue: NonNullable<ModuleMetadata['imports']>[number]): DynamicModule {
    return {
      module: TelephonyHttpModule,
      imports: [TelephonyModule.register(dialogue)],
      controllers: [AudioCodesController, TwilioVoiceController, GenesysController, TelephonyEventsController],
      providers: [
        AudioCodesAuthGuard,
        GenesysSecretGuard,
        TwilioSignatureGuard,
        TelephonyEventsGuard,
        TwilioRelayGateway,
        AudioCodesWsGateway,
      ],
    };
  }
}
