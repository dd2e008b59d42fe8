# syntax=docker/dockerfile:1
# The main worker and the MCP server (one image, m365-mm:<version>; the command picks the role:
# `worker`, `mcp --http --host 0.0.0.0`). Dependencies are installed, the sources type-checked and
# the workflow bundle built once, here; the runtime stage has no dev dependencies and runs as `node`.

FROM node:20.19.5-bookworm AS build
WORKDIR /app
ENV npm_config_update_notifier=false
COPY package.json package-lock.json .npmrc ./
# The native addon (better-sqlite3-multiple-ciphers) compiles against this image's Node headers.
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc --noEmit -p tsconfig.json \
 && node bin/run.js workers/prebuild-bundle.ts \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf test bench .ci .tools

FROM node:20.19.5-bookworm-slim AS runtime
# MM_TOKEN_DIR is a directory path, not a secret.
# hadolint ignore=DL3064
ENV NODE_ENV=production \
    MM_AUTOSTART=false \
    M365_CONNECTIONS=/home/node/.m365/connections.json \
    MM_STATE_DIR=/home/node/.m365-state \
    MM_TOKEN_DIR=/home/node/.mm-graph-tokens \
    MM_LOG_DIR=/home/node/.m365-logs
WORKDIR /app
COPY --from=build --chown=root:root /app /app
# Volume mount points owned by the runtime user, so named volumes start with its ownership.
RUN mkdir -p /home/node/.m365 /home/node/.m365-state /home/node/.mm-graph-tokens /home/node/.m365-logs \
 && chown -R node:node /home/node \
 && chmod 700 /home/node/.m365-state /home/node/.mm-graph-tokens
USER 1000:1000
VOLUME ["/home/node/.m365", "/home/node/.m365-state", "/home/node/.mm-graph-tokens", "/home/node/.m365-logs"]
EXPOSE 3333
ENTRYPOINT ["node", "bin/mm.js"]
CMD ["worker"]
