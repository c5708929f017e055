# health-aggregator: build with dev dependencies, run with production ones only.
#
#   docker build --build-arg APP_VERSION=1.4.2 --build-arg GIT_SHA=$(git rev-parse --short HEAD) -t health-aggregator .
#   docker run --rm -p 8080:8080 --stop-timeout 20 -e DATABASE_URL=... health-aggregator
#
# --stop-timeout: docker stop waits 10 s before SIGKILL by default, less than
# shutdownDelay (5 s) plus the service's close cap (10 s).
#
# Node 24 LTS (CONTRACT §6). Debian slim, not Alpine: bullmq's msgpackr loads
# the prebuilt glibc binary of msgpackr-extract (optional, native); on musl it
# would silently fall back to the slower pure-JS codec. Every stage uses the
# same base so anything platform-specific that npm picks matches at run time.
#
# By tag, not digest: nothing here can resolve or verify a digest (no Docker
# engine, no registry access), and a digest that no test checks is a guess.
# Pin one at build time, where it can be checked:
#   --build-arg NODE_IMAGE=node:24-bookworm-slim@sha256:<digest of the tag today>
# (test/deploy/dockerfile.test.ts accepts exactly that form.)
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: full install (TypeScript and friends), compile src/ into dist/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would compile before src/ is here; the build runs below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- deps: production dependencies only ----
# --ignore-scripts: `prepare` needs tsc, which is a dev dependency; the only
# install script among production deps is msgpackr-extract's, which merely
# checks for the prebuilt binary that npm already installed as an optional dep.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
ARG APP_VERSION=""
ARG GIT_SHA=""
ARG BUILD_DATE=""
# Re-declared: an ARG before the first FROM is not visible inside a stage.
ARG NODE_IMAGE

LABEL org.opencontainers.image.title="health-aggregator" \
      org.opencontainers.image.base.name="${NODE_IMAGE}" \
      org.opencontainers.image.description="Probes an application's dependencies on a schedule and serves cached health, readiness, liveness and Prometheus metrics." \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${APP_VERSION}" \
      org.opencontainers.image.revision="${GIT_SHA}" \
      org.opencontainers.image.created="${BUILD_DATE}"

# APP_VERSION and GIT_SHA feed service.version / service.gitSha (shown by
# /api/health); empty means "package.json's version" and "".
ENV NODE_ENV=production \
    APP_VERSION=${APP_VERSION} \
    GIT_SHA=${GIT_SHA} \
    PORT=8080

WORKDIR /app
# No package manager at run time: the service never installs anything, and
# npm, npx and corepack are the largest share of the base's CVE reports.
# (The files stay in the base's layers; this layer hides them from the
# container and from image scanners.)
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/include/node /opt/yarn-* /usr/local/bin/yarn /usr/local/bin/yarnpkg
# Owned by root and read-only to the service user: the process never writes
# to its own code (and Kubernetes can mount the root filesystem read-only).
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# package.json is read at run time for the default service.version.
COPY package.json ./

# The image's "node" user, by number: Kubernetes' runAsNonRoot can only
# verify a numeric user.
USER 1000:1000

EXPOSE 8080

# Docker/Compose only (Kubernetes ignores HEALTHCHECK and uses the chart's
# probes). Liveness, never readiness: a dependency outage must not mark the
# container unhealthy. No curl in slim images, so Node's fetch; the timeout
# ends a hung request instead of leaving it to Docker. Assumes the default
# basePath (/api/health) and $PORT (the config file's port wins over $PORT).
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/api/health/liveness', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]

# Exec form: node is PID 1 and receives SIGTERM itself. It does not ignore it
# as PID 1 would by default, because the service installs SIGTERM/SIGINT
# handlers (src/server.ts): readiness fails at once, the server closes after
# server.shutdownDelay, and the process exits 0.
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["serve"]
