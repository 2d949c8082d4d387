import { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { assertUtf8Json } from '../common/body-bytes.js';
import { answerClientError } from '../common/client-error.js';
import { runHooks } from '../common/request-hooks.js';
import type { HttpPlatform } from './http-platform.js';
import { enableCors, SECURITY_HEADERS } from './http-platform.js';

export const expressPlatform: HttpPlatform = {
  createAdapter: () => new ExpressAdapter(),

  configure: async (app, config, hooks) => {
    (app.getHttpServer() as Server).on('clientError', answerClientError);
    // First, so that the hooks' own refusals (413 from Content-Length) carry the CORS headers too.
    enableCors(app, config);
    app.use((req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) =>
      runHooks(hooks, req, res, next),
    );
    (app as NestExpressApplication).useBodyParser('json', {
      limit: config.http.maxBodyBytes,
      type: ['application/json', 'application/*+json'],
      // Nest's option type leaves `verify` out (its rawBody option uses it; we do not set rawBody).
      verify: (_req: IncomingMessage, _res: ServerResponse, bytes: Buffer, charset: string) =>
        assertUtf8Json(bytes, charset),
    });
    app.use(helmet(SECURITY_HEADERS));
  },
};
