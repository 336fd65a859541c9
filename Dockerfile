FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY services ./services
RUN pip install --no-cache-dir . && python -c "from services.normalize.normalizer import Normalizer; Normalizer()"
ENV WIRELOG_LOG_FORMAT=json
ENTRYPOINT ["wirelog"]
