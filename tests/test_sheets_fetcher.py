"""The sheet URL fetcher serves files under the source and templates folders and refuses the rest."""

from __future__ import annotations

import socket

import pytest

pytest.importorskip("weasyprint")

from builder.sheets.pdf import RefusedURL, SafeFetcher  # noqa: E402


@pytest.fixture
def roots(tmp_path):
    source = tmp_path / "source"
    (source / "images").mkdir(parents=True)
    (source / "images" / "ok.png").write_bytes(b"\x89PNG fixture")
    (source / "my images").mkdir()
    (source / "my images" / "a b.png").write_bytes(b"spaces")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "sheet.css").write_text("body{}")
    (tmp_path / "secret.txt").write_text("secret")
    (source / "link-out.png").symlink_to(tmp_path / "secret.txt")
    (source / "dir-out").symlink_to(tmp_path)
    return source, templates


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the fetcher opened a network connection")
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_files_inside_the_roots_are_served(roots):
    source, templates = roots
    fetcher = SafeFetcher((source, templates))
    assert fetcher((source / "images" / "ok.png").as_uri()).read() == b"\x89PNG fixture"
    assert fetcher((source / "my images" / "a b.png").as_uri()).read() == b"spaces"
    assert fetcher((templates / "sheet.css").as_uri()).content_type == "text/css"
    assert fetcher.refused == []


@pytest.mark.parametrize("make_url, why", [
    (lambda s, t: "https://example.com/logo.png", "only local files"),
    (lambda s, t: "http://127.0.0.1:9/x.png", "only local files"),
    (lambda s, t: "ftp://example.com/x.png", "only local files"),
    (lambda s, t: "data:image/png;base64,iVBORw0KGgo=", "only local files"),
    (lambda s, t: "file:///etc/passwd", "outside"),
    (lambda s, t: "file://otherhost/srv/x.png", "another host"),
    (lambda s, t: s.as_uri() + "/../secret.txt", "'..'"),
    (lambda s, t: s.as_uri() + "/images/%2e%2e/%2e%2e/secret.txt", "'..'"),
    (lambda s, t: (s / "link-out.png").as_uri(), "outside"),
    (lambda s, t: (s / "dir-out" / "secret.txt").as_uri(), "outside"),
    (lambda s, t: (s / "images" / "missing.png").as_uri(), "no such file"),
    (lambda s, t: (s / "images").as_uri(), "no such file"),
])
def test_each_refusal_is_raised_and_remembered(roots, make_url, why):
    source, templates = roots
    fetcher = SafeFetcher((source, templates))
    url = make_url(source, templates)
    with pytest.raises(RefusedURL, match=why):
        fetcher(url)
    assert fetcher.refused == [(url, fetcher.refused[0][1])]
    assert why in fetcher.refused[0][1]


def test_redirects_are_never_followed(roots):
    source, templates = roots
    fetcher = SafeFetcher((source, templates))
    # No HTTP handler can be reached at all, so no redirect can be; the parent class is told too.
    assert not any(type(h).__name__ == "HTTPRedirectHandler" for h in fetcher.handlers)
