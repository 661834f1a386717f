import { ErrorLogThrottle } from './error-log-throttle.js';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

describe('ErrorLogThrottle', () => {
  let now: number;
  let lines: string[];
  let throttle: ErrorLogThrottle;
  beforeEach(() => {
    now = 0;
    lines = [];
    const log = { warn: (m: string) => lines.push(`warn ${m}`), log: (m: string) => lines.push(`info ${m}`) };
    throttle = new ErrorLogThrottle('queue q', log, 60_000, () => now);
  });

  it('logs the first error of each code, then one summary per interval with the count', () => {
    for (let i = 0; i < 10; i++) throttle.error(refused);
    throttle.error(reset);
    now = 59_999;
    throttle.error(refused);
    expect(lines).toEqual(['warn queue q: connect ECONNREFUSED 127.0.0.1:6379', 'warn queue q: read ECONNRESET']);
    now = 60_000;
    throttle.error(refused);
    now = 60_001;
    throttle.error(refused);
    expect(lines.slice(2)).toEqual([
      'warn queue q: connect ECONNREFUSED 127.0.0.1:6379 (ECONNREFUSED 11 times since the last line about it)',
    ]);
  });

  it('logs the reconnect once after errors, never without them, and starts afresh', () => {
    throttle.recovered();
    expect(lines).toEqual([]);
    throttle.error(refused);
    throttle.error(refused);
    throttle.recovered();
    throttle.recovered();
    throttle.error(refused);
    expect(lines).toEqual([
      'warn queue q: connect ECONNREFUSED 127.0.0.1:6379',
      'info queue q: Redis connection ready again after 2 errors',
      'warn queue q: connect ECONNREFUSED 127.0.0.1:6379',
    ]);
  });
});
