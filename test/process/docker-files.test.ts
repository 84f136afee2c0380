/**
 * The container files, checked where no Docker engine runs (this machine has the client only, and hadolint
 * does not install here): the Dockerfile passes the validator VS Code's Docker support uses, it builds from
 * what the package ships and runs as a non-root user with a health check on /api/status; compose.yaml runs
 * the server and scalable workers on PostgreSQL with what bubblewrap needs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../support/wh-process.ts';

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
  security_opt?: string[];
  depends_on?: Record<string, { condition: string }>;
}

describe('the container files', () => {
  it('has a Dockerfile the validator finds nothing wrong with', () => {
    expect(validate(dockerfile)).toEqual([]);
  });

  it('builds in one stage and runs the compiled build as a non-root user with a health check', () => {
    expect(dockerfile.match(/^FROM .+ AS (\w+)$/gm)).toEqual([
      expect.stringMatching(/ AS build$/),
      expect.stringMatching(/ AS runtime$/),
    ]);
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    expect(runtime).toMatch(/^USER workhorse$/m);
    expect(runtime).toMatch(/apt-get install .*\bbubblewrap\b/);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n.*\/api\/status/m);
    const shipped = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    for (const folder of ['bin', 'dist']) {
      expect(shipped.files).toContain(`${folder}/`);
      expect(runtime).toContain(`/src/${folder} ./${folder}`);
    }
  });

  it('composes PostgreSQL, the server and workers that share its database, data and repositories', () => {
    const compose = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8')) as {
      services: Record<string, ComposeService>;
    };
    const { workhorse, worker, postgres } = compose.services;
    expect(postgres).toBeDefined();
    expect(workhorse!.command).toEqual(['serve', '--no-worker']);
    expect(worker!.command).toEqual(['worker']);
    for (const service of [workhorse!, worker!]) {
      expect(service.environment!.DATABASE_URL).toMatch(/^postgres:\/\/.+@postgres:5432\//);
      expect(service.security_opt).toContain('seccomp=unconfined');
    }
    expect(workhorse!.depends_on!.postgres!.condition).toBe('service_healthy');
  });
});
