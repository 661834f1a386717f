import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '@huashu/config';
import { OpsModule } from '@huashu/ops';
import { WhoamiController } from './admin/whoami.controller.js';
import { AdminAuthGuard } from './auth/index.js';
import { CampaignsHttpModule } from './campaigns/campaigns-http.module.js';

@Module({})
export class GatewayModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        OpsModule.forRoot(config, 'gateway'),
        CampaignsHttpModule,
        // Feature modules (chat, admin, telephony) are added here.
      ],
      controllers: [WhoamiController],
      providers: [AdminAuthGuard],
    };
  }
}
