import { loadConfig } from '@huashu/config';
import { LogCapture } from '../../../test/support/log-capture.js';
import { createRootLogger } from './logging.js';
import { PinoNestLogger } from './pino-nest.logger.js';

const setup = (level = 'info') => {
  const logs = new LogCapture();
  const root = createRootLogger(loadConfig({ LOG_LEVEL: level }), 'gateway', logs);
  const lines = () => logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger: new PinoNestLogger(root), lines };
};

describe('PinoNestLogger (Nest logger interface over the root pino logger)', () => {
  it('puts the context (Nest passes it last) into its own field, and the app binding on every line', () => {
    const { logger, lines } = setup();
    logger.log('library loaded', 'ScriptIndex');
    logger.warn({ conversationId: 'c_1', msg: 'degraded turn' }, 'Dialogue');
    expect(lines()).toEqual([
      expect.objectContaining({ level: 30, app: 'gateway', context: 'ScriptIndex', msg: 'library loaded' }),
      expect.objectContaining({ level: 40, context: 'Dialogue', conversationId: 'c_1', msg: 'degraded turn' }),
    ]);
  });

  it('serialises an Error with its stack, and turns Nest exception handlers (message, stack, context) into one', () => {
    const { logger, lines } = setup();
    logger.error(new Error('boom'), 'Worker');
    logger.error('Unhandled', 'Error: x\n    at foo (bar.js:1:1)', 'ExceptionsHandler');
    const [a, b] = lines() as { err: { message: string; stack: string }; context: string }[];
    expect(a.err.message).toBe('boom');
    expect(a.err.stack).toContain('Error: boom');
    expect(b).toMatchObject({ context: 'ExceptionsHandler', err: { message: 'Unhandled' } });
    expect(b.err.stack).toContain('at foo (bar.js:1:1)');
  });

  it('honours the level and maps verbose to trace', () => {
    const { logger, lines } = setup('warn');
    logger.log('hidden', 'X');
    logger.debug('hidden', 'X');
    logger.verbose('hidden', 'X');
    logger.warn('shown', 'X');
    expect(lines().map((l) => l.msg)).toEqual(['shown']);
    const trace = setup('trace');
    trace.logger.verbose('fine detail', 'X');
    expect(trace.lines()[0]).toMatchObject({ level: 10, msg: 'fine detail' });
  });
});
