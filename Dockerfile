# syntax=docker/dockerfile:1
# Workhorse in a container: `wh serve` (API, dashboard, a worker, the Director) by default; the same image
# runs `wh worker` for more workers on PostgreSQL (compose.yaml). Agents run confined by bubblewrap, which
# needs user namespaces inside the container: see the README ("Docker") for the run options it needs.

ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# `npm install`, not `npm ci`: the lock lists only the platform builds of the agent CLIs' optional packages
# that the registry served when it was made.
RUN npm install --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# git for worktrees, bubblewrap to confine agents, tini to reap the agents' processes.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git bubblewrap ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
# Agent CLIs are optional: e.g. --build-arg AGENT_CLIS="@anthropic-ai/claude-code @openai/codex"
ARG AGENT_CLIS=""
RUN if [ -n "$AGENT_CLIS" ]; then npm install -g --no-audit --no-fund $AGENT_CLIS && npm cache clean --force; fi
RUN groupadd --system workhorse && useradd --system --gid workhorse --create-home --home-dir /home/workhorse workhorse \
 && mkdir -p /data /repos && chown workhorse:workhorse /data /repos
WORKDIR /app
COPY --from=build --chown=workhorse:workhorse /src/package.json ./
COPY --from=build --chown=workhorse:workhorse /src/bin ./bin
COPY --from=build --chown=workhorse:workhorse /src/dist ./dist
COPY --from=build --chown=workhorse:workhorse /src/node_modules ./node_modules
USER workhorse
ENV NODE_ENV=production WH_DATA_DIR=/data HOST=0.0.0.0 PORT=8000
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/api/status').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["tini", "--", "node", "/app/bin/wh.js"]
CMD ["serve"]
