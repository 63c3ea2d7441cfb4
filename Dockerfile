# Production image: Python 3.12, WeasyPrint's system libraries, pinned packages.
FROM node:20-bookworm-slim AS assets
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
RUN python manage.py compilemessages --ignore=node_modules \
    && SECRET_KEY=build POLKU_IDENTITY_CODE_KEYS=build POLKU_IDENTITY_CODE_HASH_KEY=build \
       python manage.py collectstatic --no-input
RUN useradd --system --uid 1000 polku && mkdir -p /app/.data/private && chown -R polku /app/.data
USER polku
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
