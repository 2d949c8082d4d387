import { describe, expect, it } from '@jest/globals';
import { IncomingMessage, ServerResponse } from 'node:http';
import { requestLogRecord } from './request-log.js';

describe('request log lines', () => {
  it('keep the id, method, path and status, and never headers (tokens) or bodies', () => {
    const req = {
      id: 'r-1',
      method: 'POST',
      url: '/api/v1/chat/direct',
      headers: { authorization: 'Bearer secret-key', cookie: 'session=1' },
      body: { message: 'my private question' },
    } as unknown as IncomingMessage;
    const res = { statusCode: 200, writableFinished: true } as ServerResponse;

    const logged = JSON.stringify(requestLogRecord(req, res, 12.34));

    expect(JSON.parse(logged)).toEqual({
      req: { id: 'r-1', method: 'POST', url: '/api/v1/chat/direct' },
      res: { statusCode: 200 },
      responseTime: 12.3,
    });
    expect(logged).not.toMatch(/secret-key|session|private question/);
  });

  it('logs a response the client left before it was complete as 499', () => {
    const res = { statusCode: 200, writableFinished: false } as ServerResponse;
    expect(requestLogRecord({} as IncomingMessage, res, 1)).toMatchObject({
      res: { statusCode: 499 },
    });
  });
});
