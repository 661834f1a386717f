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

/**
 * 413 and 415 of a route that takes a JSON body under the global BODY_LIMIT_BYTES (README "Errors");
 * a route with its own limit or media types overrides the entry.
 */
export const JSON_BODY_ERRORS = {
  413: 'PAYLOAD_TOO_LARGE: the body is larger than BODY_LIMIT_BYTES',
  415: 'UNSUPPORTED_MEDIA_TYPE: the body is not application/json',
} as const;

/**
 * 500 and 503 of a route that reads or writes Redis (README "Errors"): an error Redis answers with
 * (a refused command, a key of the wrong type …) is an unexpected one, and Redis down or still
 * loading its data is 503 with `details: [{dependency: "redis"}]`. A route that can fail for another
 * dependency overrides the 503 entry to name it.
 */
export const STORAGE_ERRORS = {
  500: 'INTERNAL: an unexpected error (e.g. Redis refused the command), logged under the requestId',
  503: 'SERVICE_UNAVAILABLE: storage (Redis) is unavailable or still loading its data; retry',
} as const;
