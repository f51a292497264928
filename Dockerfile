# Not built on the development machine (it has no Docker engine): test/image/image-steps.test.ts
# performs these steps outside Docker (runtime files, npm ci --omit=dev, the container's env, the
# HEALTHCHECK command, SIGTERM), and .ci/run runs it.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts and no compiler: on Node 24 the app loads better-sqlite3 13 (the
# better-sqlite3-napi alias), whose Node-API binaries ship in the package; better-sqlite3 12 is
# only for Node 20 and stays unbuilt here (docs/decisions/0015-sqlite-driver-per-node.md).
RUN npm ci --ignore-scripts
COPY scripts scripts
COPY src src
COPY bench bench
COPY faults faults
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    STUB_HOST=0.0.0.0 \
    DB_PATH=/data/portal.db \
    STUB_DB_PATH=/data/stub.db
RUN mkdir /data && chown node:node /data
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json plans.json ./
COPY views views
COPY locales locales
COPY public public
USER node
VOLUME /data
# 8001 is the embedded stub (only when MINTOFFICE_API_URL is unset).
EXPOSE 8000 8001
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The same node flags as `npm start` (for memory: docs/decisions/0016); a test keeps them equal.
CMD ["node", "--max-semi-space-size=4", "--no-maglev", "--enable-source-maps", "dist/src/main.js"]
