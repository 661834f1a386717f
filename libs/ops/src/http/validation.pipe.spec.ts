import 'reflect-metadata';
import { jest } from '@jest/globals';
import { ValidationPipe, type ArgumentMetadata, type Type } from '@nestjs/common';
import { Type as TransformType } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { HuashuException } from '@huashu/common';
import { createValidationPipe } from './validation.pipe.js';

// The rule sets of the hot chat DTOs (TurnDto, EndConversationDto, ConversationIdParam) ...
class Utterance {
  @IsString()
  @MaxLength(20)
  @Matches(/\S/, { message: 'text must not be blank' })
  text!: string;
}

class Ending {
  @IsOptional()
  @IsString()
  @MaxLength(10)
  reason?: string;
}

class IdParam {
  @Matches(/^c_[A-Za-z0-9_-]{8,64}$/, { message: 'id is not a conversation id' })
  id!: string;
}

// ... and DTOs with rules the plan does not know, which must always take the full pipe.
class Counted {
  @IsInt()
  n!: number;
}

class Short {
  @IsString()
  @MinLength(2)
  word!: string;
}

class Nested {
  @ValidateNested()
  @TransformType(() => Utterance)
  inner!: Utterance;
}

const body = (metatype: Type<unknown>): ArgumentMetadata => ({ type: 'body', metatype, data: '' });

/** What find-my-way (Fastify's router) makes route params of: an object whose prototype is an empty null-prototype object. */
function routeParams(values: Record<string, unknown>): object {
  const NullObject = function () {} as unknown as { new (): object; prototype: object };
  NullObject.prototype = Object.create(null) as object;
  return Object.assign(new NullObject(), values);
}

const astral = '😀'.repeat(20); // 40 UTF-16 units, 20 characters for class-validator's maxLength
const INPUTS: unknown[] = [
  { text: 'hello' },
  { text: '你好' },
  { text: 'x'.repeat(20) },
  { text: 'x'.repeat(21) },
  { text: astral },
  { text: astral + 'x' },
  { text: '   ' },
  { text: '' },
  { text: 7 },
  { text: null },
  { text: ['hi'] },
  { text: { toString: 'hi' } },
  { text: 'hi', extra: 1 },
  { text: 'hi', constructor: 'x' },
  { text: 'hi', toString: 'x' },
  { text: 5, hasOwnProperty: 'x', extra: 1 },
  JSON.parse('{"text":"hi","__proto__":"x"}') as object,
  { inner: { text: 'hi', valueOf: 'x' } },
  { inner: { text: 5, isPrototypeOf: 'x', extra: 1 } },
  { reason: 'done' },
  { reason: null },
  { reason: 'x'.repeat(11) },
  { reason: 5 },
  { id: 'c_abcdefgh12' },
  { id: 'c_short' },
  { id: 'c_abcdefgh12\n' },
  { id: 42 },
  { n: 3 },
  { n: '3' },
  { word: 'ab' },
  { word: 'a' },
  { inner: { text: 'hi' } },
  { inner: { text: 5 } },
  {},
  Object.create(null) as object,
  Object.assign(Object.create(null) as object, { text: 'hi', id: 'c_abcdefgh12' }),
  routeParams({ id: 'c_abcdefgh12' }),
  routeParams({ id: 'c_short' }),
  routeParams({ text: 'hi' }),
  [],
  ['text'],
  'text',
  42,
  null,
  undefined,
];

type Outcome = { ok: true; value: unknown; ctor: unknown } | { ok: false; error: unknown };

/** Names the full pipe's whitelist misses (class-transformer skips them, class-validator finds them inherited). */
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * The full pipe's outcome, except that own properties named like Object.prototype members, which it
 * lets through, are unknown properties like any other (none of these DTOs declares one).
 */
function expected(full: Outcome, input: unknown, metatype: Type<unknown>): Outcome {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return full;
  const missed: { field: string; rules: string[] }[] = [];
  const scan = (value: object, parent: string) => {
    for (const key of Object.keys(value)) {
      const field = parent ? `${parent}.${key}` : key;
      if (PROTOTYPE_NAMES.has(key)) missed.push({ field, rules: [`property ${key} should not exist`] });
    }
  };
  scan(input, '');
  const inner = (input as { inner?: unknown }).inner;
  if (metatype === Nested && inner && typeof inner === 'object') scan(inner, 'inner');
  if (missed.length === 0) return full;
  const details = full.ok ? [] : (full.error as { details: unknown[] }).details;
  return { ok: false, error: { code: 'VALIDATION_FAILED', details: [...details, ...missed] } };
}

async function outcome(pipe: ValidationPipe, value: unknown, metatype: Type<unknown>): Promise<Outcome> {
  // Each pipe gets its own copy, with the same prototype: the full pipe may strip prototype keys in place.
  const copy = value && typeof value === 'object' ? structuredClone(value) : value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    Object.setPrototypeOf(copy, Object.getPrototypeOf(value) as object | null);
  }
  try {
    const out = await pipe.transform(copy, body(metatype));
    return { ok: true, value: out, ctor: (out as object | null)?.constructor };
  } catch (err) {
    return { ok: false, error: err instanceof HuashuException ? { code: err.code, details: err.details } : err };
  }
}

describe('HuashuValidationPipe', () => {
  const fast = createValidationPipe();
  const full = new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (fast as unknown as { exceptionFactory: ValidationPipe['createExceptionFactory'] })
      .exceptionFactory as never,
  });

  it.each([Utterance, Ending, IdParam, Counted, Short, Nested].map((t) => [t.name, t] as const))(
    '%s: every input gets exactly what the full ValidationPipe gives, but for properties named like Object.prototype members',
    async (_name, metatype) => {
      for (const input of INPUTS) {
        const [a, b] = await Promise.all([outcome(fast, input, metatype), outcome(full, input, metatype)]);
        expect({ input, outcome: a }).toEqual({ input, outcome: expected(b, input, metatype) });
      }
    },
  );

  it('rejects properties named like Object.prototype members, as written out here (not derived)', async () => {
    const rejected = (field: string, key = field) => ({ field, rules: [`property ${key} should not exist`] });
    const cases: [unknown, Type<unknown>, unknown[]][] = [
      [{ text: 'hi', toString: 'x' }, Utterance, [rejected('toString')]],
      [{ text: 'hi', constructor: 'x' }, Utterance, [rejected('constructor')]],
      [JSON.parse('{"text":"hi","__proto__":"x"}'), Utterance, [rejected('__proto__')]],
      [{ reason: 'done', valueOf: 'x' }, Ending, [rejected('valueOf')]],
      [{ inner: { text: 'hi', valueOf: 'x' } }, Nested, [rejected('inner.valueOf', 'valueOf')]],
    ];
    for (const [input, metatype, details] of cases) {
      const got = await outcome(fast, input, metatype);
      expect({ input, got }).toEqual({ input, got: { ok: false, error: { code: 'VALIDATION_FAILED', details } } });
    }
  });

  it('answers the valid inputs of the known rule sets without the full pipe', async () => {
    const spy = jest.spyOn(ValidationPipe.prototype, 'transform');
    try {
      const t = await fast.transform({ text: '你好' }, body(Utterance));
      expect(t).toBeInstanceOf(Utterance);
      expect(t).toEqual(Object.assign(new Utterance(), { text: '你好' }));
      await fast.transform({}, body(Ending));
      await fast.transform({ reason: null }, body(Ending));
      await fast.transform({ id: 'c_abcdefgh12' }, { type: 'param', metatype: IdParam, data: '' });
      const id = await fast.transform(routeParams({ id: 'c_abcdefgh12' }), {
        type: 'param',
        metatype: IdParam,
        data: '',
      });
      expect(id).toBeInstanceOf(IdParam);
      expect({ ...(id as object) }).toEqual({ id: 'c_abcdefgh12' });
      expect(spy).not.toHaveBeenCalled();
      // Invalid input, unknown rules and an astral string over maxLength in UTF-16 units: the full pipe.
      await expect(fast.transform({ text: ' ' }, body(Utterance))).rejects.toBeInstanceOf(HuashuException);
      await fast.transform({ n: 1 }, body(Counted));
      await fast.transform({ text: astral }, body(Utterance));
      expect(spy).toHaveBeenCalledTimes(3);
    } finally {
      spy.mockRestore();
    }
  });

  it('leaves primitives and unvalidated types to the full pipe', async () => {
    await expect(fast.transform('5', { type: 'query', metatype: Number, data: 'n' })).resolves.toBe(5);
    await expect(fast.transform({ any: 1 }, { type: 'body', metatype: Object, data: '' })).resolves.toEqual({
      any: 1,
    });
  });
});
