import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactTokenInUrl } from './logger.ts';

describe('request logging', () => {
  it.each([
    ['/ui/?token=wh_secret', '/ui/?token=[redacted]'],
    ['/ui/run/3/?x=1&token=wh_secret&y=2', '/ui/run/3/?x=1&token=[redacted]&y=2'],
    ['/api/tasks?run_id=1', '/api/tasks?run_id=1'],
  ])('redacts the login token in %s', (url, expected) => {
    expect(redactTokenInUrl(url)).toBe(expected);
  });

  it('logs a request without its token, header or cookie', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    createLogger('info', sink).info({
      req: {
        id: 'req-1',
        method: 'GET',
        url: '/ui/?token=wh_topsecret',
        headers: { authorization: 'Bearer wh_topsecret', cookie: 'wh_token=wh_topsecret' },
      },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('wh_topsecret');
    expect(JSON.parse(lines[0]!).req).toEqual({ id: 'req-1', method: 'GET', url: '/ui/?token=[redacted]' });
  });
});
