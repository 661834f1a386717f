import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiResponse } from '@nestjs/swagger';
import { ERROR_CODES, type ErrorCode } from '@huashu/common';

class ErrorDetailDto {
  @ApiProperty({ description: 'Machine-readable error code', enum: Object.keys(ERROR_CODES), example: 'NOT_FOUND' })
  code!: ErrorCode;
  @ApiProperty({ description: 'What went wrong, for people' })
  message!: string;
  @ApiProperty({
    description: 'Per-field or per-item details (e.g. one entry per invalid field); may be empty',
    type: 'array',
    items: {},
  })
  details!: unknown[];
  @ApiProperty({ description: 'The request id, also in the X-Request-Id header and the logs', example: 'req_…' })
  requestId!: string;
}

/** The binding error body of every 4xx/5xx (DESIGN §4). */
export class ErrorBodyDto {
  @ApiProperty({ type: ErrorDetailDto })
  error!: ErrorDetailDto;
}

/**
 * Documents error statuses of a route, each with the binding error body: `{404: 'NOT_FOUND: …'}`.
 * The description should name the codes the route really answers with at that status.
 */
export const ApiErrorResponses = (responses: Readonly<Record<number, string>>): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ...Object.entries(responses).map(([status, description]) =>
      ApiResponse({ status: Number(status), description, type: ErrorBodyDto }),
    ),
  );
