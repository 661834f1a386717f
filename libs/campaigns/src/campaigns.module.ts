import { Module } from '@nestjs/common';
import { CampaignRepository } from './campaign.repository.js';
import { CampaignService } from './campaign.service.js';

/** Campaign settings store. Needs the global RedisModule (OpsModule). */
@Module({ providers: [CampaignRepository, CampaignService], exports: [CampaignService] })
export class CampaignsModule {}
