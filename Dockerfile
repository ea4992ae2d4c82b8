FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DEBUG=true python manage.py collectstatic --noinput -v 0
RUN useradd --create-home wallboard && mkdir -p /app/var && chown wallboard /app/var
USER wallboard
EXPOSE 8000
CMD ["daphne", "--bind", "0.0.0.0", "--port", "8000", "wallboard.asgi:application"]
