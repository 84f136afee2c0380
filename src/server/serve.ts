/** `wh serve`: the API (and, as they land, the worker and the Director) in one process. */
import pino from 'pino';
import { buildApp } from '../api/app.ts';
import type { Api } from '../api/deps.ts';
import type { Settings } from '../config/settings.ts';
import { ensureAdminToken } from './admin-token.ts';
import { openConfiguredDatabase } from './open.ts';
import { VERSION } from './version.ts';

export interface RunningServer {
  app: Api;
  url: string;
  loginUrl: string | null;
  stop(): Promise<void>;
}

export async function serve(settings: Settings): Promise<RunningServer> {
  const logger = pino({ level: settings.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] });
  const opened = await openConfiguredDatabase(settings);
  try {
    const admin = await ensureAdminToken({ db: opened.database.db, settings, actor: 'workhorse' }, settings.dataDir);
    const app = await buildApp(
      { database: opened.database, settings, startedAt: new Date(), version: VERSION },
      { logger },
    );
    await app.listen({ host: settings.host, port: settings.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : settings.port;
    const shownHost = ['127.0.0.1', '0.0.0.0', '::', '::1'].includes(settings.host) ? 'localhost' : settings.host;
    const url = `http://${shownHost}:${port}`;
    return {
      app,
      url,
      loginUrl: admin.token ? `${url}/ui/?token=${admin.token}` : null,
      async stop() {
        await app.close();
        await opened.close();
      },
    };
  } catch (error) {
    await opened.close();
    throw error;
  }
}
