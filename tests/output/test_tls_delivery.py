"""E-mail over TLS, against real local SMTP servers (aiosmtpd) with certificates from a test CA
(trustme): STARTTLS with login, implicit TLS, and a server whose certificate is not trusted."""

from __future__ import annotations

import email
import email.policy
import ssl
from pathlib import Path

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.test_operations import Recorder, daily, free_port, run, two_days  # noqa: F401 - fixture

pytestmark = pytest.mark.e2e  # every test here goes through the command line

USER, PASSWORD = "desk", "s3cret-for-tests"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


class Logins:
    """An aiosmtpd authenticator that accepts one user and records every attempt."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, bool]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:  # noqa: ANN001 - aiosmtpd's hook
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (USER.encode(), PASSWORD.encode())
        self.seen.append((auth_data.login.decode() if isinstance(auth_data, LoginPassword) else "?", ok))
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 on a failure


@pytest.fixture
def tls_server(ca: trustme.CA):
    """Start an SMTP server on 127.0.0.1: ``mode`` is "starttls" (TLS and login required) or "tls"."""
    controllers = []

    def start(mode: str, issuer: trustme.CA | None = None) -> tuple[Recorder, Logins, int]:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        (issuer or ca).issue_cert("127.0.0.1", "localhost").configure_cert(context)
        handler, logins, port = Recorder(), Logins(), free_port()
        if mode == "starttls":
            controller = Controller(handler, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                                    authenticator=logins, auth_require_tls=True)
        else:
            controller = Controller(handler, hostname="127.0.0.1", port=port, ssl_context=context,
                                    authenticator=logins, auth_require_tls=False)
        controller.start()
        controllers.append(controller)
        return handler, logins, port
    yield start
    for controller in controllers:
        controller.stop()


def tls_config(tmp_path: Path, port: int, security: str, ca: trustme.CA | None) -> Path:
    ca_line = ""
    if ca is not None:
        ca.cert_pem.write_to_path(str(tmp_path / "desk-ca.pem"))
        ca_line = "ca_file = 'desk-ca.pem'\n"  # relative to the config file
    config = tmp_path / "desk.toml"
    config.write_text(
        f"[delivery]\nhost = '127.0.0.1'\nport = {port}\nsecurity = '{security}'\n"
        "sender = 'Briefings <briefings@example.org>'\nrecipients = ['desk@example.org']\n"
        f"retries = 2\nretry_delay = 0.01\ntimeout = 5.0\n{ca_line}")
    return config


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_sends_over_tls_with_login(two_days: Path, tmp_path: Path, tls_server, ca: trustme.CA, monkeypatch, security: str) -> None:  # noqa: F811
    monkeypatch.setenv("BRIEFGEN_SMTP_USER", USER)
    monkeypatch.setenv("BRIEFGEN_SMTP_PASSWORD", PASSWORD)
    recorder, logins, port = tls_server(security)
    out = tmp_path / "out"
    assert daily(two_days, out, "2026-11-24", "--format", "md,pdf").exit_code == 0
    result = run("send", "--out", str(out), "--config", str(tls_config(tmp_path, port, security, ca)))
    assert result.exit_code == 0, result.output
    assert logins.seen == [(USER, True)]
    [(recipients, raw)] = recorder.messages
    assert recipients == ["desk@example.org"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content() == (out / "2026-11-24" / "briefing.pdf").read_bytes()


def test_a_refused_login_fails_at_once_and_names_the_variables(two_days: Path, tmp_path: Path, tls_server, ca: trustme.CA, monkeypatch) -> None:  # noqa: F811
    monkeypatch.setenv("BRIEFGEN_SMTP_USER", USER)
    monkeypatch.setenv("BRIEFGEN_SMTP_PASSWORD", "wrong")
    recorder, logins, port = tls_server("starttls")
    out = tmp_path / "out"
    assert daily(two_days, out, "2026-11-24", "--format", "md,pdf").exit_code == 0
    result = run("send", "--out", str(out), "--config", str(tls_config(tmp_path, port, "starttls", ca)))
    assert result.exit_code == 7
    assert "warning: send attempt" not in result.stderr  # no retries: the password stays wrong
    assert (f"Error: could not send the briefing to 127.0.0.1:{port}: the server refused the login "
            "(server answered 535 5.7.8 Authentication credentials invalid)") in result.stderr
    assert "Hint: check the user name and password in $BRIEFGEN_SMTP_USER and $BRIEFGEN_SMTP_PASSWORD" in result.stderr
    assert recorder.messages == [] and logins.seen and all(not ok for _, ok in logins.seen)


def test_an_untrusted_certificate_fails_at_once_and_says_why(two_days: Path, tmp_path: Path, tls_server, ca: trustme.CA) -> None:  # noqa: F811
    recorder, _, port = tls_server("starttls", issuer=trustme.CA())  # signed by a CA nobody trusts
    out = tmp_path / "out"
    assert daily(two_days, out, "2026-11-24", "--format", "md,pdf").exit_code == 0
    before = {p.name: p.read_bytes() for p in (out / "2026-11-24").iterdir()}
    result = run("send", "--out", str(out), "--config", str(tls_config(tmp_path, port, "starttls", ca)))
    assert result.exit_code == 7
    assert "warning: send attempt" not in result.stderr  # no retries: they could not help
    assert f"Error: could not send the briefing to 127.0.0.1:{port}: the server's certificate is not trusted" in result.stderr
    assert "Hint: check delivery.host, or set delivery.ca_file" in result.stderr
    assert recorder.messages == []
    assert {p.name: p.read_bytes() for p in (out / "2026-11-24").iterdir()} == before


def test_without_the_ca_the_system_store_does_not_trust_a_private_server(two_days: Path, tmp_path: Path, tls_server) -> None:  # noqa: F811
    recorder, _, port = tls_server("tls")
    out = tmp_path / "out"
    assert daily(two_days, out, "2026-11-24", "--format", "md,pdf").exit_code == 0
    result = run("send", "--out", str(out), "--config", str(tls_config(tmp_path, port, "tls", None)))
    assert result.exit_code == 7
    assert "the server's certificate is not trusted" in result.stderr
    assert recorder.messages == []


def test_a_ca_file_that_is_not_pem_is_a_configuration_error(two_days: Path, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "out"
    assert daily(two_days, out, "2026-11-24", "--format", "md,pdf").exit_code == 0
    config = tls_config(tmp_path, free_port(), "starttls", None)
    (tmp_path / "garbage.pem").write_text("not a certificate")
    config.write_text(config.read_text() + "ca_file = 'garbage.pem'\n")
    result = run("send", "--out", str(out), "--config", str(config))
    assert result.exit_code == 3
    assert f"Error: delivery.ca_file {tmp_path / 'garbage.pem'}: not a readable PEM file of certificates" in result.stderr
