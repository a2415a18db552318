"""Deliver: e-mail an archived briefing: the whole briefing as the body, the PDF attached.

The message is ``multipart/mixed``: a ``multipart/alternative`` of a plain-text part and an
HTML part (:mod:`briefgen.web.mail`: styled inline, links to the articles), then the PDF. Both
parts render the archived briefing's model, with what a section without bullets says
(``[briefing] empty_section``) and the user's templates (``[output] templates``) as configured.

The subject is ``[delivery] subject`` with ``{title}``, ``{date}`` (2026-11-29), ``{day}`` (Sun
29 Nov 2026), ``{coverage}`` and ``{top}`` (the first key point, shortened) filled in. With
``[output] site_url`` set, both parts link the briefing's web page there ("View in your browser").

A dry run writes the message to ``OUT/.briefgen/mail/YYYY-MM-DD.eml`` (:func:`draft_path`): beside
the archive's other private files, never in the date's folder that is published (it names the
recipients).

Settings come from ``[delivery]``; the SMTP user name and password come from the environment
variables it names, never from the file. A failed send is retried with exponential back-off and
then raises :class:`DeliveryError`; the briefing's files are never touched.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import smtplib
import ssl
import stat
import string
import time
from collections.abc import Callable
from dataclasses import replace
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from briefgen.config import DeliveryOptions
from briefgen.corpus_index import CACHE_NAME
from briefgen.errors import ConfigError, DeliveryError, InputError, OutputError
from briefgen.files import printable, write_atomic
from briefgen.models import Briefing
from briefgen.output.archive import ArchivedBriefing
from briefgen.text.dates import short_date
from briefgen.web.mail import html_body, text_body, top_story

log = logging.getLogger(__name__)


#: line breaks and other control characters, which must never reach a header
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` as one header line: every run of line breaks, other control characters and
    white space becomes one space, so that nothing in it can start a header of its own."""
    return " ".join(_CONTROL.sub(" ", text).split())


#: the fields ``[delivery] subject`` may use, as ``{title}``
SUBJECT_FIELDS = ("title", "date", "day", "coverage", "top")


def subject_values(briefing: Briefing, date: dt.date) -> dict[str, str]:
    """The value of each of :data:`SUBJECT_FIELDS` for the briefing of ``date``."""
    return {"title": briefing.title, "date": date.isoformat(), "day": short_date(date),
            "coverage": briefing.coverage, "top": top_story(briefing)}


def subject_line(template: str, values: dict[str, str]) -> str:
    """``delivery.subject`` filled in: each ``{name}`` of :data:`SUBJECT_FIELDS` replaced by its
    value (:func:`subject_values`), ``{{`` and ``}}`` by a brace, on one line (:func:`one_line`).
    Nothing else is evaluated (no attribute, index, conversion or format spec: the template is
    config text, not code); anything else is a :class:`ConfigError`. With no key point, ``{top}``
    is empty and the separator left dangling at the end is dropped (``Daily Briefing — Sun 29 Nov 2026``)."""
    def refused(why: str) -> ConfigError:
        return ConfigError(f"delivery.subject {printable(template)[:200]!r} {why}",
                           "use " + ", ".join("{" + f + "}" for f in SUBJECT_FIELDS) + ", and {{ or }} for a brace")
    parts = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise refused(f"is not a subject template ({exc})") from exc
    for literal, name, spec, conversion in parsed:
        parts.append(literal)
        if name is None:
            continue
        if name not in SUBJECT_FIELDS or spec or conversion:
            raise refused(f"names {{{printable(name)[:40]}{'!' + conversion if conversion else ''}{':' + spec[:20] if spec else ''}}}, "
                          f"which is not one of {', '.join('{' + f + '}' for f in SUBJECT_FIELDS)}")
        parts.append(values[name])
    subject = one_line("".join(parts))
    return subject.rstrip(" :—–-|·") if not values.get("top") else subject


def page_address(archived: ArchivedBriefing, basename: str, site_url: str) -> str:
    """The briefing's web page where the archive is published (``site_url``, ending in ``/``):
    empty when no address is set or the date has no web page."""
    page = archived.folder / f"{basename}.html"
    if not site_url or not page.is_file():
        return ""
    return f"{site_url}{archived.folder.name}/{basename}.html"


def check_delivery(delivery: DeliveryOptions) -> None:
    """Refuse, with a :class:`ConfigError`, a ``[delivery]`` that cannot make a message: no
    recipients, no sender, an address holding a line break, a subject that is not a template of
    :data:`SUBJECT_FIELDS`. ``daily --send`` checks it before the run."""
    if not delivery.recipients:
        raise ConfigError("no recipients to send to", 'set recipients = ["..."] under [delivery] in the config file')
    if not delivery.sender:
        raise ConfigError("no sender address", 'set sender = "..." under [delivery] in the config file')
    for key, address in [("sender", delivery.sender), *(("recipients", r) for r in delivery.recipients)]:
        if _CONTROL.search(address):
            raise ConfigError(f"delivery.{key} holds a line break or another control character: {address!r}",
                              "write each address on one line, e.g. \"Briefings <briefings@example.org>\"")
    subject_line(delivery.subject, dict.fromkeys(SUBJECT_FIELDS, ""))


def build_message(archived: ArchivedBriefing, pdf: Path, delivery: DeliveryOptions,
                  empty_message: str = Briefing.empty_message, templates: str = "", page_url: str = "") -> EmailMessage:
    """The e-mail: the whole briefing as plain text and as HTML (alternatives), the PDF attached;
    a section without bullets says ``empty_message``, and the HTML comes from the user's
    ``templates`` folder first; ``page_url`` (:func:`page_address`) is linked as the briefing's
    web page. The subject is :func:`subject_line`, on one line; a ``[delivery]`` that cannot
    make a message is refused (:func:`check_delivery`)."""
    check_delivery(delivery)
    briefing = replace(archived.briefing, empty_message=empty_message)
    subject = subject_line(delivery.subject, subject_values(briefing, archived.date))
    attachment = f"{pdf.stem}-{archived.date.isoformat()}.pdf"
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = delivery.sender
    message["To"] = ", ".join(delivery.recipients)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="briefgen.local")
    message.set_content(text_body(briefing, attachment, page_url))
    message.add_alternative(html_body(briefing, attachment, templates, page_url), subtype="html")
    message.add_attachment(pdf.read_bytes(), maintype="application", subtype="pdf", filename=attachment)
    return message


def tls_context(delivery: DeliveryOptions) -> ssl.SSLContext:
    """Certificate-verifying TLS: the system's authorities, plus ``delivery.ca_file`` if set."""
    context = ssl.create_default_context()
    if delivery.ca_file:
        try:
            context.load_verify_locations(cafile=delivery.ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(f"delivery.ca_file {delivery.ca_file}: not a readable PEM file of certificates ({exc})",
                              "point ca_file at your mail server's CA certificate, or leave it empty") from exc
    return context


def _connect(delivery: DeliveryOptions, context: ssl.SSLContext) -> smtplib.SMTP:
    if delivery.security == "tls":
        return smtplib.SMTP_SSL(delivery.host, delivery.port, timeout=delivery.timeout, context=context)
    client = smtplib.SMTP(delivery.host, delivery.port, timeout=delivery.timeout)
    if delivery.security == "starttls":
        client.starttls(context=context)
    return client


def send_once(message: EmailMessage, delivery: DeliveryOptions) -> None:
    with _connect(delivery, tls_context(delivery)) as client:
        user, password = os.environ.get(delivery.username_env), os.environ.get(delivery.password_env)
        if user and password:
            client.login(user, password)
        refused = client.send_message(message)
        if refused:
            raise smtplib.SMTPRecipientsRefused(refused)


def _describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"server answered {exc.smtp_code} {error}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "recipients refused: " + "; ".join(
            f"{r} ({c} {e.decode(errors='replace') if isinstance(e, bytes) else e})" for r, (c, e) in exc.recipients.items())
    return f"{type(exc).__name__}: {exc}"


def send(
    message: EmailMessage,
    delivery: DeliveryOptions,
    sleep: Callable[[float], None] = time.sleep,
    attempt: Callable[[EmailMessage, DeliveryOptions], None] = send_once,
) -> int:
    """Send, retrying ``delivery.retries`` times with doubling delays. Returns the attempts made."""
    delay = delivery.retry_delay
    for number in range(1, delivery.retries + 2):
        try:
            attempt(message, delivery)
            log.info("sent %s to %s (attempt %d)", message["Subject"], message["To"], number)
            return number
        except ssl.SSLCertVerificationError as exc:  # trying again will not make the certificate trusted
            raise DeliveryError(f"could not send the briefing to {delivery.host}:{delivery.port}: the server's certificate "
                                f"is not trusted ({exc.verify_message})",
                                "check delivery.host, or set delivery.ca_file to the CA that signed the server's certificate; "
                                "the briefing files are in place") from exc
        except smtplib.SMTPAuthenticationError as exc:  # nor will the same password be accepted next time
            raise DeliveryError(f"could not send the briefing to {delivery.host}:{delivery.port}: the server refused the login "
                                f"({_describe(exc)})",
                                f"check the user name and password in ${delivery.username_env} and ${delivery.password_env}; "
                                "the briefing files are in place") from exc
        except (smtplib.SMTPException, OSError) as exc:
            reason = _describe(exc)
            if number > delivery.retries:
                raise DeliveryError(f"could not send the briefing to {delivery.host}:{delivery.port} after {number} attempts: {reason}",
                                    "the briefing files are in place; check [delivery] and the server, then run `briefgen send`") from exc
            log.warning("send attempt %d failed (%s); retrying in %g s", number, reason, delay)
            sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")


def draft_path(out: Path, date: str) -> Path:
    """Where ``send --dry-run`` writes the message of ``date``: ``OUT/.briefgen/mail/DATE.eml``."""
    return Path(out) / CACHE_NAME / "mail" / f"{date}.eml"


def deliver(briefing: ArchivedBriefing, basename: str, delivery: DeliveryOptions, dry_run: bool = False,
            sleep: Callable[[float], None] = time.sleep, empty_message: str = Briefing.empty_message,
            templates: str = "", site_url: str = "") -> Path | None:
    """E-mail the archived briefing, its PDF (a regular file, never a symbolic link) attached;
    with ``dry_run``, write the message to :func:`draft_path` instead and return that path.
    ``empty_message`` and ``templates``: as :func:`build_message` takes them; ``site_url``: where
    the archive is published (``[output] site_url``), for the link to the web page."""
    pdf = briefing.folder / f"{basename}.pdf"
    if not (pdf.exists() and stat.S_ISREG(pdf.lstat().st_mode)):  # never a link to a file elsewhere
        raise InputError(f"no PDF for {briefing.date.isoformat()} in {briefing.folder}",
                         "run `briefgen daily` with pdf among the formats first")
    message = build_message(briefing, pdf, delivery, empty_message, templates, page_address(briefing, basename, site_url))
    if dry_run:
        draft = draft_path(briefing.folder.parent, briefing.date.isoformat())
        try:
            draft.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create {draft.parent}: {exc.strerror or exc}",
                              "check that the output folder is writable") from exc
        return write_atomic(draft, bytes(message))
    send(message, delivery, sleep=sleep)
    return None
