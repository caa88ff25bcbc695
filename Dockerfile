# The news answers bot: long polling by default, webhook mode when WEBHOOK_URL is set.
#   docker build -t news-bot .
#   docker run -e BOT_TOKEN=123456:ABC... news-bot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SEEDS_DIR=/app/seeds \
    INDEX_DIR=/app/data/index \
    HEARTBEAT_FILE=/tmp/bot-heartbeat

WORKDIR /app

# Dependencies first, pinned: this layer is rebuilt only when requirements.lock changes.
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

# Then the code. --no-deps: everything is installed already, and `pip check` fails the build
# if pyproject.toml asks for something requirements.lock does not pin.
COPY pyproject.toml README.md ./
COPY index/ ./index/
COPY bot/ ./bot/
RUN pip install --no-cache-dir --no-deps . \
    && pip check \
    && rm -rf build ./*.egg-info

# An unprivileged user owns what the bot writes: the index, and seeds/ (admins' uploads).
RUN groupadd --gid 10001 bot \
    && useradd --uid 10001 --gid 10001 --create-home bot \
    && mkdir -p /app/data \
    && chown 10001:10001 /app/data
COPY --chown=10001:10001 seeds/ ./seeds/
USER 10001:10001

# Build the index now, so that the container answers as soon as it starts. A different
# seeds/ mounted at run time is noticed at start-up and reindexed then.
RUN python -m bot reindex

# Healthy while the bot keeps reaching the Bot API: every successful call touches
# HEARTBEAT_FILE (long polling calls getUpdates at least every 10 s).
HEALTHCHECK --interval=30s --timeout=10s --start-period=120s --retries=3 \
    CMD ["python", "-m", "bot.healthcheck"]

# Webhook mode listens here (WEBHOOK_PORT); long polling needs no open port.
EXPOSE 8080

CMD ["python", "-m", "bot", "run"]
