import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DialogueService, exampleView, type IntentExamplesReport } from '@huashu/dialogue';
import { INTENT_CLASSIFIER, type IntentClassifier } from '@huashu/intent';
import { AdminRoles } from '../auth/index.js';
import {
  CampaignClassifyIntentResponseDto,
  ClassifyIntentDto,
  ClassifyIntentQueryDto,
  ClassifyIntentResponseDto,
  ExamplesReportQueryDto,
  IntentExamplesReportDto,
} from './classify-intent.dto.js';

@ApiTags('admin')
@Controller('v1/admin/intents')
@AdminRoles('viewer')
export class IntentsController {
  constructor(
    @Inject(INTENT_CLASSIFIER) private readonly classifier: IntentClassifier,
    private readonly dialogue: DialogueService,
  ) {}

  @Post('classify')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Classify one utterance with the loaded intent model; with ?campaign=, as that campaign's turns do " +
      '(its threshold, then its intent examples).',
  })
  @ApiOkResponse({ type: CampaignClassifyIntentResponseDto })
  async classify(
    @Body() body: ClassifyIntentDto,
    @Query() query: ClassifyIntentQueryDto,
  ): Promise<ClassifyIntentResponseDto | CampaignClassifyIntentResponseDto> {
    if (query.campaign === undefined) {
      const { name, confidence, ranking } = await this.classifier.classify(body.text);
      return { intent: { name, confidence }, ranking };
    }
    const { prediction, example } = await this.dialogue.classify(body.text, query.campaign);
    return {
      intent: example
        ? { name: example.intent, confidence: example.confidence }
        : { name: prediction.name, confidence: prediction.confidence },
      ranking: prediction.ranking,
      source: example ? 'campaign-example' : 'model',
      ...(example ? { example: exampleView(example) } : {}),
    };
  }

  @Get('examples/report')
  // Editors write examples; the report embeds and classifies all of a campaign's, so not every viewer key may start one.
  @AdminRoles('editor')
  @ApiOperation({
    summary:
      "Check a campaign's intent examples (?campaign=, default `default`): scripts of byScript missing, disabled or " +
      'without an intent; the same wording given twice; pairs of examples near enough to be confused; examples the ' +
      'intent model puts in another intent.',
  })
  @ApiOkResponse({ type: IntentExamplesReportDto })
  async examplesReport(@Query() query: ExamplesReportQueryDto): Promise<IntentExamplesReport> {
    return this.dialogue.exampleReport(query.campaign ?? 'default');
  }
}
