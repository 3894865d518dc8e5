FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY workers ./workers
COPY test/support ./test/support
COPY tools ./tools
COPY web ./web
# The API's code in dist/src and dist/workers, the pages in dist/web (Vite); then the build tools go.
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p /data && chown node /data
USER node
EXPOSE 3000
CMD ["node", "dist/src/main.js"]
