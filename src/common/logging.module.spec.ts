import { describe, expect, it } from '@jest/globals';
import { REQUEST_LOG_SERIALIZERS } from './logging.module.js';

describe('request log serializers', () => {
  it('keep the id, method and path, and never headers (tokens) or bodies', () => {
    const request = {
      id: 'r-1',
      method: 'POST',
      url: '/api/v1/chat/direct',
      headers: { authorization: 'Bearer secret-key', cookie: 'session=1' },
      body: { message: 'my private question' },
    };
    const logged = JSON.stringify(REQUEST_LOG_SERIALIZERS.req(request));
    expect(JSON.parse(logged)).toEqual({ id: 'r-1', method: 'POST', url: '/api/v1/chat/direct' });
    expect(logged).not.toMatch(/secret-key|session|private question/);
    expect(
      REQUEST_LOG_SERIALIZERS.res({ statusCode: 200, getHeaders: () => ({}) } as never),
    ).toEqual({ statusCode: 200 });
  });
});
