# Not built on the development machine (it has no Docker engine): the steps are the ones
# .ci/run and README use, checked there; report what you find.
FROM node:22-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY bench bench
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
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
CMD ["node", "--enable-source-maps", "dist/src/main.js"]
