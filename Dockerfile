# pipelab as a container image: the model server and the stream processor of docker-compose.yml.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
ENTRYPOINT ["node", "--max-semi-space-size=128", "--no-allocation-site-pretenuring", "bin/pipelab.js"]
