# One image for every service of the lab. The compose file picks the program
# with `command: ["node", "dist/services/<pattern>/<role>.js"]`.
#
# NODE_IMAGE is the base. The default is the official image; a machine that
# reaches no container registry builds a stand-in with
# scripts/build-offline-node-image.sh and passes its tag here.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Behind a TLS-intercepting proxy npm needs the proxy's CA bundle: it comes in
# as a BuildKit secret (never a layer), and only for this step. Without the
# secret (or with an empty one) npm uses the system CAs.
RUN --mount=type=secret,id=npm_ca \
    --mount=type=cache,target=/root/.npm \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi; \
    npm ci --no-audit --no-fund --loglevel=error
COPY tsconfig.json tsconfig.build.json ./
COPY shared ./shared
COPY services ./services
COPY tools ./tools
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev --no-audit --no-fund --loglevel=error

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The files of the book's filer and watcher: writable by the services, except
# one made unreadable on purpose (the filer's "unreadable" error reply).
COPY --from=build --chown=node:node /app/services/book/files ./book-files
RUN chmod 000 book-files/secret.txt && mkdir /state && chown node:node /state
USER node
CMD ["node", "dist/tools/roles.js"]
