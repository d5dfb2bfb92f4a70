# The portal's image: web (gunicorn), worker and beat all run from it.
FROM python:3.13-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=forim_portal.settings.production
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2 gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN SECRET_KEY=build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(64))') ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput -v0 && python manage.py compilemessages --ignore=.venv -v0
RUN useradd --create-home forim && mkdir -p /app/media && chown forim /app/media
USER forim
EXPOSE 8000
CMD ["gunicorn", "forim_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
