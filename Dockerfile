# syntax=docker/dockerfile:1
# dakgraph's image: the built JavaScript with production dependencies only, run as the unprivileged `node`
# user. CI has no Docker: .ci/container-replay reads this file and replays its instructions outside a
# container, in order, so keep to what it understands: ARG, FROM … AS, ENV, WORKDIR, COPY [--from],
# RUN (sh -c), USER, VOLUME, EXPOSE, HEALTHCHECK … CMD [exec form] and CMD [exec form].

ARG NODE_VERSION=24

# ── build: every dependency, the TypeScript compiler among them ───────────────────────────────────────
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
# npm's postinstall runs this script: it builds the quick start's directory snapshot only where the TypeScript
# sources and tsx are installed, so here (no sources yet) it skips itself, as in the runtime stage below.
COPY src/cli/postinstall-snapshot.js ./src/cli/postinstall-snapshot.js
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ── runtime: production dependencies and dist/ (no tsx, esbuild or TypeScript) ────────────────────────
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 DAKGRAPH_DATA_DIR=/home/node/data
WORKDIR /app
# Node's official images ship a full-ICU build (the default since Node 13): en-IN grouping (12,34,567) needs
# it. Checked here so a base image without it fails the build instead of printing Western grouping.
RUN node -e "process.exit(new Intl.NumberFormat('en-IN').format(1234567) === '12,34,567' ? 0 : 1)"
COPY package.json package-lock.json ./
COPY patches ./patches
COPY src/cli/postinstall-snapshot.js ./src/cli/postinstall-snapshot.js
# patch-package (a production dependency) applies patches/ in the postinstall script, as at every install.
RUN npm ci --omit=dev --no-audit --no-fund && rm -rf /root/.npm
COPY --from=build /app/dist ./dist
COPY drizzle ./drizzle
COPY schema ./schema
COPY src/cli/bin.js ./src/cli/bin.js
RUN ln -s /app/src/cli/bin.js /usr/local/bin/dakgraph
USER node
# The embedded database's files (PGlite), when DATABASE_URL is not set: owned by `node`, kept in a volume.
RUN mkdir -p /home/node/data
VOLUME /home/node/data
EXPOSE 4000
# No curl in slim images: node's own fetch asks /readyz (database answers, every migration applied).
HEALTHCHECK --interval=15s --timeout=3s --start-period=120s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--max-semi-space-size=64", "dist/main.js"]
