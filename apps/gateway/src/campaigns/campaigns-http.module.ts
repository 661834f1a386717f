import { Module } from '@nestjs/common';
import { CampaignsModule } from '@huashu/campaigns';
import { ScriptsModule } from '@huashu/scripts';
import { AdminAuthGuard } from '../auth/index.js';
import { CampaignsController } from './campaigns.controller.js';

/** GET|PUT /v1/admin/campaigns/{id}. */
@Module({ imports: [CampaignsModule, ScriptsModule], controllers: [CampaignsController], providers: [AdminAuthGuard] })
export class CampaignsHttpModule {}
