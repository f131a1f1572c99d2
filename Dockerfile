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
COPY observer ./observer
COPY bench ./bench
RUN npm run --silent build && npm prune --omit=dev --no-audit --no-fund --loglevel=error
# Only what runs: zeromq's prebuilt addons for this platform (not the others',
# nor its C++ sources and build scripts, nor the headers it was built with).
RUN arch=$(node -p process.arch) \
 && rm -rf node_modules/zeromq/build/darwin node_modules/zeromq/build/win32 node_modules/zeromq/src node_modules/zeromq/script node_modules/node-addon-api \
 && find node_modules/zeromq/build/linux -mindepth 1 -maxdepth 1 ! -name "$arch" -exec rm -rf {} + \
 && find node_modules \( -name "*.md" -o -name "*.map" -o -name "*.d.ts" \) -type f -delete

# The runtime's root file system: the base without what a running service never
# uses (npm and other package managers, documentation, translations, perl,
# apt's lists). Copied into an empty image below, so what is removed here is
# really gone (a later layer cannot shrink an earlier one).
FROM ${NODE_IMAGE} AS runtime-root
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* /usr/local/include \
      /usr/share/doc /usr/share/man /usr/share/info /usr/share/locale /usr/share/perl /usr/share/perl5 /usr/share/lintian \
      /usr/lib/*-linux-gnu/perl /usr/lib/*-linux-gnu/perl5 /usr/lib/*-linux-gnu/perl-base /usr/lib/*-linux-gnu/gconv /usr/bin/perl* \
      /var/lib/apt/lists/* /var/cache/apt/* /var/cache/debconf/* /var/log/*

FROM scratch
COPY --from=runtime-root / /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin NODE_ENV=production
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
