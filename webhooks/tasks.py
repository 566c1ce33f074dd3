"""Celery tasks: one delivery attempt, and the sweep on beat that retries what is due."""

from civicreview.celery import task
from webhooks import services


@task
def deliver_webhook(delivery_id):
    return services.deliver(delivery_id)


@task
def send_due_webhooks():
    return services.send_due()
