# syntax=docker/dockerfile:1
# Multi-stage build: compile TypeScript once, ship only production dependencies and dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
COPY bench bench
COPY scripts scripts
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY models models
COPY data data
# INDEX_DIR's default, tmp/indexes under /app: the gateway keeps the script indexes it built there for its
# next start. /app is root's, so the `node` user gets this directory as its own.
RUN mkdir -p tmp/indexes && chown -R node:node tmp
USER node
EXPOSE 3000 3001
CMD ["node", "--enable-source-maps", "--max-semi-space-size=64", "dist/apps/gateway/src/main.js"]
