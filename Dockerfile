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
CMD ["daphne", "--bind", "0.0.0.0", "--port", "8000", "wallboard.asgi:application"]
