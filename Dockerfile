# syntax=docker/dockerfile:1
# Build a wheel in one stage, install it in a slim runtime as a non-root user. The base
# image is pinned to an exact release, so a rebuild gets the same Python and Debian.
FROM python:3.11.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY storage ./storage
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11.11-slim-bookworm
RUN useradd --create-home --uid 10001 app && mkdir /data && chown app /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER app
ENV REMINDBOT_DATABASE_URL=sqlite:////data/remindbot.db \
    REMINDBOT_HTTP_HOST=0.0.0.0 \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
EXPOSE 8080
# /healthz answers whenever `remindbot run` runs (it serves HTTP beside any platform);
# with no platform configured it stops at once, saying what to set. No curl in slim:
# the check is the standard library's urllib (bot/healthcheck.py).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-m", "bot.healthcheck"]
ENTRYPOINT ["remindbot"]
CMD ["run"]
