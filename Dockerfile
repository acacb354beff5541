# One image serves the dashboard and the JSON API (gunicorn, gthread workers).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=8000 \
    WORKERS=2 \
    THREADS=32 \
    MODELS_DIR=/srv/app/models \
    PREDICTIONS_DIR=/srv/app/predicciones

# libgomp1: OpenMP runtime needed by xgboost and catboost wheels.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /srv/app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY modeling ./modeling
COPY app ./app
COPY assets ./assets
COPY wsgi.py gunicorn.conf.py ./

# Bake the default model (built-in synthetic data) so the image starts on its own.
# Mount a volume on /srv/app/models to serve your own bundle instead.
ARG TRAIN_DEFAULT_MODEL=1
RUN mkdir -p models predicciones \
    && if [ "$TRAIN_DEFAULT_MODEL" = "1" ]; then python -m modeling.train --models-dir models; fi \
    && useradd --create-home --uid 10001 app \
    && chown -R app:app /srv/app
USER app

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/health/ready', timeout=4)"
CMD ["gunicorn", "-c", "gunicorn.conf.py", "wsgi:server"]
