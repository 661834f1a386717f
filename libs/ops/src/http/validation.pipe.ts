import { ValidationPipe, type ArgumentMetadata, type Type, type ValidationError } from '@nestjs/common';
import { TransformationType } from 'class-transformer';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import { getMetadataStorage } from 'class-validator';
import { HuashuException } from '@huashu/common';

function flatten(errors: ValidationError[], parent = ''): { field: string; rules: string[] }[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, rules: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** A DTO's properties and what a value must be for class-validator to surely accept it. */
type Plan = Map<string, { optional: boolean; checks: ((v: unknown) => boolean)[] }>;

/**
 * Global pipe: whitelist, reject unknown fields, transform; failures become VALIDATION_FAILED.
 *
 * Nest's ValidationPipe (class-transformer + class-validator) costs ~40-60 µs per argument, which
 * is about a tenth of a whole dialogue turn (two arguments: the id and the utterance). For DTOs
 * whose every rule is one of a few built-in string rules, a value that surely passes them is
 * accepted by a plan compiled once per class; everything else (any failure, any other rule,
 * decorator or input shape) goes through the full pipe, so errors and edge cases are exactly its
 * own. A plan only ever accepts what the full pipe accepts (the spec compares both on hostile
 * input). Hand-written because neither library can compile its rules.
 */
export class HuashuValidationPipe extends ValidationPipe {
  private readonly plans = new Map<Type<unknown>, Plan | null>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype as Type<unknown> | undefined;
    if (metatype && this.toValidate(metadata) && isPlainObject(value)) {
      let plan = this.plans.get(metatype);
      if (plan === undefined) this.plans.set(metatype, (plan = compilePlan(metatype)));
      // The plan accepts only keys it holds as its own (Map.has), so a value it accepts has no
      // unknown property, prototype-named ones included: the check below is for the full pipe's path.
      if (plan && accepts(plan, value)) {
        return this.isTransformEnabled ? Object.assign(new metatype() as object, value) : value;
      }
      const unknown = unknownProperties(metatype, value);
      if (unknown.length > 0) return this.rejectUnknown(value, metadata, unknown);
    }
    return super.transform(value, metadata);
  }

  /**
   * Unknown properties, found by own-property checks, with whatever else the full pipe finds. Its
   * own whitelist misses names of Object.prototype members: class-transformer skips a key its target
   * inherits a function for (`toString`, `constructor`, `__proto__`) and class-validator looks the
   * rest up in a plain object, so `?toString=x` or `?__proto__=x` reached a DTO declaring neither.
   */
  private async rejectUnknown(
    value: unknown,
    metadata: ArgumentMetadata,
    unknown: { field: string; key: string }[],
  ): Promise<never> {
    let details: unknown[] = [];
    try {
      await super.transform(value, metadata);
    } catch (err) {
      if (!(err instanceof HuashuException) || err.code !== 'VALIDATION_FAILED') throw err;
      details = err.details;
    }
    const reported = new Set(details.map((d) => (d as { field?: unknown }).field));
    const missed = unknown
      .filter((u) => !reported.has(u.field))
      .map((u) => ({ field: u.field, rules: [`property ${u.key} should not exist`] }));
    throw new HuashuException('VALIDATION_FAILED', 'request validation failed', [...details, ...missed]);
  }
}

/** What a DTO may hold: its validated properties, and the DTO of each nested one. */
interface Whitelist {
  names: Set<string>;
  nested: Map<string, Type<unknown>>;
}

const whitelists = new Map<Type<unknown>, Whitelist>();

/** class-validator's whitelist of a DTO (every property with a rule, inherited ones included). */
function whitelistOf(metatype: Type<unknown>): Whitelist {
  let list = whitelists.get(metatype);
  if (list) return list;
  const metas = getMetadataStorage().getTargetValidationMetadatas(metatype, '', false, false, undefined);
  list = { names: new Set(metas.map((m) => m.propertyName)), nested: new Map() };
  for (const m of metas) {
    if (m.type !== 'nestedValidation') continue;
    const type = defaultMetadataStorage.findTypeMetadata(metatype, m.propertyName)?.typeFunction();
    if (typeof type === 'function') list.nested.set(m.propertyName, type as Type<unknown>);
  }
  whitelists.set(metatype, list);
  return list;
}

/** Own properties of `value` (and of its nested DTOs) that the DTO does not declare. */
function unknownProperties(
  metatype: Type<unknown>,
  value: Record<string, unknown>,
  parent = '',
): { field: string; key: string }[] {
  const { names, nested } = whitelistOf(metatype);
  // A class without rules is rejected whole by the full pipe (forbidUnknownValues).
  if (names.size === 0) return [];
  const out: { field: string; key: string }[] = [];
  for (const key of Object.keys(value)) {
    const field = parent ? `${parent}.${key}` : key;
    if (!names.has(key)) {
      out.push({ field, key });
      continue;
    }
    const type = nested.get(key);
    const child = value[key];
    if (!type) continue;
    if (Array.isArray(child)) {
      child.forEach((item, i) => {
        if (isObject(item)) out.push(...unknownProperties(type, item, `${field}.${i}`));
      });
    } else if (isObject(child)) out.push(...unknownProperties(type, child, field));
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const createValidationPipe = (): ValidationPipe =>
  new HuashuValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) =>
      new HuashuException('VALIDATION_FAILED', 'request validation failed', flatten(errors)),
  });

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as object | null;
  if (proto === Object.prototype || proto === null) return true;
  // A router's dictionary (find-my-way's route params): a prototype that has no properties and no prototype.
  return Object.getPrototypeOf(proto) === null && Reflect.ownKeys(proto).length === 0;
};

function accepts(plan: Plan, value: Record<string, unknown>): boolean {
  let seen = 0;
  for (const key of Object.keys(value)) {
    // Whitelisting: an unknown property is an error (forbidNonWhitelisted) the full pipe reports.
    if (!plan.has(key)) return false;
    seen++;
  }
  // Accessors and non-enumerable or symbol keys are left to the full pipe.
  if (Reflect.ownKeys(value).length !== seen) return false;
  for (const [key, rule] of plan) {
    const v = value[key];
    if (rule.optional && (v === undefined || v === null)) continue;
    for (const check of rule.checks) if (!check(v)) return false;
  }
  return true;
}

/**
 * The plan of a DTO, or null when any of its rules is not one the plan knows. Each check is the
 * class-validator rule itself or stricter (a string longer in UTF-16 units than `maxLength` may
 * still pass there, as it counts astral characters once: left to the full pipe).
 */
function compilePlan(metatype: Type<unknown>): Plan | null {
  // class-transformer rules (@Type, @Transform, @Expose, @Exclude) change the value: full pipe.
  if (
    defaultMetadataStorage.getStrategy(metatype) !== 'none' ||
    defaultMetadataStorage.getExposedMetadatas(metatype).length > 0 ||
    defaultMetadataStorage.getExcludedMetadatas(metatype).length > 0
  ) {
    return null;
  }
  const metas = getMetadataStorage().getTargetValidationMetadatas(metatype, '', true, false, undefined);
  if (metas.length === 0) return null;
  const plan: Plan = new Map();
  for (const m of metas) {
    if (m.each || (m.groups && m.groups.length > 0) || m.always || m.context !== undefined) return null;
    if (
      defaultMetadataStorage.findTypeMetadata(metatype, m.propertyName) ||
      defaultMetadataStorage.findTransformMetadatas(metatype, m.propertyName, TransformationType.PLAIN_TO_CLASS)
        .length > 0
    ) {
      return null;
    }
    let rule = plan.get(m.propertyName);
    if (!rule) plan.set(m.propertyName, (rule = { optional: false, checks: [] }));
    const c = (m.constraints ?? []) as unknown[];
    if (m.type === 'conditionalValidation' && m.name === 'isOptional') {
      rule.optional = true;
    } else if (m.type === 'customValidation' && m.name === 'isString') {
      rule.checks.push((v) => typeof v === 'string');
    } else if (m.type === 'customValidation' && m.name === 'maxLength' && typeof c[0] === 'number') {
      const max = c[0];
      rule.checks.push((v) => typeof v === 'string' && v.length <= max);
    } else if (m.type === 'customValidation' && m.name === 'matches') {
      // validator.js `matches`: a RegExp as given, else new RegExp(pattern, modifiers); `!!str.match(re)`.
      const re = c[0] instanceof RegExp ? c[0] : typeof c[0] === 'string' ? new RegExp(c[0], c[1] as string) : null;
      if (!re) return null;
      rule.checks.push((v) => typeof v === 'string' && !!v.match(re));
    } else {
      return null;
    }
  }
  return plan;
}
