FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY services ./services
# The caches are warmed by the installed package (from /, not the sources in /app), as the entry point will run it.
RUN pip install --no-cache-dir . \
    && cd / && python -c "from services.normalize.normalizer import Normalizer; Normalizer()"
ENV WIRELOG_LOG_FORMAT=json
ENTRYPOINT ["wirelog"]
