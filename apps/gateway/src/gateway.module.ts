import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '@huashu/config';
import { OpsModule, type OpsOptions } from '@huashu/ops';
import { WhoamiController } from './admin/whoami.controller.js';
import { ChatModule } from './chat/chat.module.js';
import { DialogueModule } from '@huashu/dialogue';
import { TelephonyHttpModule } from './telephony/telephony-http.module.js';
import { AdminAuthGuard } from './auth/index.js';
import { CampaignsHttpModule } from './campaigns/campaigns-http.module.js';
import { ScriptsHttpModule } from './scripts/scripts-http.module.js';
import { ComplianceHttpModule } from './compliance/compliance-http.module.js';
import { IntentsHttpModule } from './intents/intents-http.module.js';
import { GeneratorHttpModule } from './generator/generator-http.module.js';

@Module({})
export class GatewayModule {
  static forRoot(config: AppConfig, ops: OpsOptions = {}): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        OpsModule.forRoot(config, 'gateway', ops),
        IntentsHttpModule,
        CampaignsHttpModule,
        ScriptsHttpModule,
        ComplianceHttpModule,
        GeneratorHttpModule,
        ChatModule,
        TelephonyHttpModule.register(DialogueModule),
        // Feature modules (chat, admin, telephony) are added here.
      ],
      controllers: [WhoamiController],
      providers: [AdminAuthGuard],
    };
  }
}
