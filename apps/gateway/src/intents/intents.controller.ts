import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { DialogueService, exampleView, type IntentExamplesReport } from '@huashu/dialogue';
import { INTENT_CLASSIFIER, type IntentClassifier } from '@huashu/intent';
import { ApiErrorResponses, JSON_BODY_ERRORS, STORAGE_ERRORS } from '@huashu/ops';
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
@ApiExtraModels(ClassifyIntentResponseDto, CampaignClassifyIntentResponseDto)
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
  // Without ?campaign= the model alone answers: no source, no example.
  @ApiOkResponse({
    description: 'The model’s answer, or with ?campaign= the campaign’s (source, example)',
    schema: {
      // anyOf, not oneOf: the document leaves other fields open, so a campaign answer fits both.
      anyOf: [
        { $ref: getSchemaPath(ClassifyIntentResponseDto) },
        { $ref: getSchemaPath(CampaignClassifyIntentResponseDto) },
      ],
    },
  })
  @ApiErrorResponses({
    ...JSON_BODY_ERRORS,
    // Without ?campaign= only the model answers: Redis is read for a campaign's settings and examples.
    ...STORAGE_ERRORS,
    400: 'VALIDATION_FAILED: no or too long a text, a bad campaign; MALFORMED_BODY: the body is not JSON',
    404: 'NOT_FOUND: the campaign (?campaign=) does not exist',
    503: 'SERVICE_UNAVAILABLE: the intent model is not loaded, or (with ?campaign=) storage (Redis) or the embeddings server is unavailable; retry',
  })
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
  @ApiErrorResponses({
    ...STORAGE_ERRORS,
    400: 'VALIDATION_FAILED: a bad campaign',
    404: 'NOT_FOUND: the campaign does not exist',
    503: 'SERVICE_UNAVAILABLE: storage (Redis), the intent model or the embeddings server is unavailable; retry',
  })
  async examplesReport(@Query() query: ExamplesReportQueryDto): Promise<IntentExamplesReport> {
    return this.dialogue.exampleReport(query.campaign ?? 'default');
  }
}
