FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DEBUG=false
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# Production settings (DEBUG off) for the build too, so that collectstatic writes the hashed,
# compressed files they serve; the throwaway secrets exist only in this step.
RUN SECRET_KEY=collectstatic-only FIELD_ENCRYPTION_KEY=$(python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())") \
    python manage.py collectstatic --noinput -v 0
RUN useradd --create-home wallboard && mkdir -p /app/var && chown wallboard /app/var
USER wallboard
EXPOSE 8000
# As the Procfile and docker-compose.yml run it (tests/wallboard/test_compose.py).
CMD ["daphne", "-e", "tcp:port=8000:interface=0.0.0.0:backlog=4096", "--ping-interval", "20", "--ping-timeout", "30", "--websocket_timeout", "-1", "--access-log", "/dev/null", "wallboard.asgi:application"]
