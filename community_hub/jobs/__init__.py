"""Email and the daily jobs, in one place: features enqueue, `flask send-mail` sends.

- outbox.py: the outbox table's rules (enqueue, digests, delivery with retries);
- emails.py: what each email says, in the recipient's language;
- mailer.py: one SMTP connection per run;
- daily.py: everything `flask reminders` does each day;
- cli.py: `flask reminders` and `flask send-mail`.
"""
