import { Global, Injectable, Module } from '@nestjs/common';

/** One thing readiness depends on (Redis, a model, an index …). */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<{ up: boolean; [detail: string]: unknown }>;
}

/**
 * Libs register what they need to be ready (typically in onModuleInit); `/health/ready` reports
 * each and is up only when all are.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(check: ReadinessCheck): void {
    this.checks.set(check.name, check);
  }

  list(): ReadinessCheck[] {
    return [...this.checks.values()];
  }
}

@Global()
@Module({ providers: [ReadinessRegistry], exports: [ReadinessRegistry] })
export class ReadinessModule {}
