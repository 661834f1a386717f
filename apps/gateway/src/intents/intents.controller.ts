import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { INTENT_CLASSIFIER, type IntentClassifier } from '@huashu/intent';
import { AdminRoles } from '../auth/index.js';
import { ClassifyIntentDto, ClassifyIntentResponseDto } from './classify-intent.dto.js';

@ApiTags('admin')
@Controller('v1/admin/intents')
@AdminRoles('viewer')
export class IntentsController {
  constructor(@Inject(INTENT_CLASSIFIER) private readonly classifier: IntentClassifier) {}

  @Post('classify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Classify one utterance with the loaded intent model.' })
  @ApiOkResponse({ type: ClassifyIntentResponseDto })
  async classify(@Body() body: ClassifyIntentDto): Promise<ClassifyIntentResponseDto> {
    const { name, confidence, ranking } = await this.classifier.classify(body.text);
    return { intent: { name, confidence }, ranking };
  }
}
