# Production image: Python 3.12, WeasyPrint's system libraries, pinned packages.
# Node 22: hds-core declares node ^22.13.1 (its files are plain CSS, copied by scripts/build-static.mjs).
FROM node:22-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY scripts ./scripts
RUN npm run build

FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 POLKU_ENV=production
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir uv && uv pip install --system --no-cache --require-hashes -r requirements.lock
COPY . .
COPY --from=assets /app/static/vendor ./static/vendor
# Every manage.py run loads the settings, which with POLKU_ENV=production refuse to start
# without the secrets: these placeholders live only in this RUN's shell, never in the image.
RUN export SECRET_KEY=build-only POLKU_IDENTITY_CODE_KEYS=build-only POLKU_IDENTITY_CODE_HASH_KEY=build-only \
      POLKU_BASE_URL=https://build-only.invalid DATABASE_URL=postgres://build-only.invalid/polku \
    && python manage.py compilemessages --ignore=node_modules \
    && python manage.py collectstatic --no-input
RUN useradd --system --uid 1000 polku && mkdir -p /app/.data/private && chown -R polku /app/.data
USER polku
EXPOSE 8000
CMD ["gunicorn", "--config", "python:config.gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
