/**
 * Builds the HTTP API: Fastify with zod request schemas (the OpenAPI document is generated from them),
 * token auth, one error shape, and thin routes that call services.
 */
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { errors } from '../errors/catalogue.ts';
import { registerAuth } from './auth.ts';
import { registerCompression } from './compression.ts';
import { registerDashboard } from './dashboard.ts';
import type { Api, ApiDeps } from './deps.ts';
import { clientErrorHandler, frameworkErrors, registerErrorHandling } from './errors.ts';
import { EventHub } from './event-hub.ts';
import { registerInputGuard } from './input-guard.ts';
import { registerApprovalRoutes } from './routes/approvals.ts';
import { registerBugReportRoutes } from './routes/bug-reports.ts';
import { registerDirectorRoutes } from './routes/director.ts';
import { registerEventRoutes } from './routes/events.ts';
import { registerFindingRoutes } from './routes/findings.ts';
import { registerJobRoutes } from './routes/jobs.ts';
import { registerProjectRoutes } from './routes/projects.ts';
import { registerReviewRoutes } from './routes/reviews.ts';
import { registerRoleConfigRoutes } from './routes/role-configs.ts';
import { registerRunRoutes } from './routes/runs.ts';
import { registerSessionRoutes } from './routes/session.ts';
import { registerStreamRoutes } from './routes/stream.ts';
import { registerSystemRoutes } from './routes/system.ts';
import { registerTaskNoteRoutes } from './routes/task-notes.ts';
import { registerTaskRoutes } from './routes/tasks.ts';
import { registerWebhookRoutes } from './routes/webhooks.ts';

export interface BuildOptions {
  /** A pino logger for request logs; none by default (tests). */
  logger?: FastifyBaseLogger;
}

export async function buildApp(deps: ApiDeps, options: BuildOptions = {}): Promise<Api> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: 2 * 1024 * 1024,
    // Live event streams stay open; closing the server must not wait for browsers to hang up.
    forceCloseConnections: true,
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  acceptEmptyJsonBodies(app);
  registerErrorHandling(app);
  registerInputGuard(app);
  await app.register(fastifyCookie);
  // Before every route: the plugin wraps the routes registered after it.
  await registerCompression(app);
  registerAuth(app, deps.database.db);
  await app.register(fastifySwagger, {
    openapi: {
      // 3.1: its schemas are JSON Schema 2020-12, so any standard validator checks answers against them.
      openapi: '3.1.0',
      info: {
        title: 'Workhorse API',
        version: deps.version,
        description: 'Run AI coding agents through DEV -> QA -> SEC -> DOCS -> COMPLETE, judged by evidence.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  registerSystemRoutes(app, deps);
  registerProjectRoutes(app, deps);
  registerRunRoutes(app, deps);
  registerTaskRoutes(app, deps);
  registerReviewRoutes(app, deps);
  registerTaskNoteRoutes(app, deps);
  registerFindingRoutes(app, deps);
  registerJobRoutes(app, deps);
  registerRoleConfigRoutes(app, deps);
  registerBugReportRoutes(app, deps);
  registerApprovalRoutes(app, deps);
  registerDirectorRoutes(app, deps);
  registerWebhookRoutes(app, deps);
  registerEventRoutes(app, deps);
  const hub = new EventHub(deps.database);
  await hub.start();
  app.addHook('onClose', () => hub.stop());
  registerStreamRoutes(app, deps, hub);
  registerSessionRoutes(app, deps);
  await registerDashboard(app, deps);
  await app.ready();
  return app;
}

/**
 * `curl -X POST -H 'Content-Type: application/json' url` with no body means "no fields", not an error. Any
 * other body goes through Fastify's own parser, which refuses `__proto__` and `constructor.prototype` keys.
 */
function acceptEmptyJsonBodies(app: Api): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (String(body).trim() === '') return done(null, undefined);
    parse(request, String(body), (error, value) => {
      if (error) done(errors.badJson(error.message), undefined);
      else done(null, value);
    });
  });
}
