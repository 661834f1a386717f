import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { HuashuException } from '@huashu/common';

function flatten(errors: ValidationError[], parent = ''): { field: string; rules: string[] }[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, rules: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Global pipe: whitelist, reject unknown fields, transform; failures become VALIDATION_FAILED. */
export const createValidationPipe = (): ValidationPipe =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) =>
      new HuashuException('VALIDATION_FAILED', 'request validation failed', flatten(errors)),
  });
