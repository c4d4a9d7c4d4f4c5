"""The site's one Content-Security-Policy.

Every page carries it in a `<meta>` tag, so that it holds however the site is
served, even opened from disk; generated server configuration sends it as a
header with what a `<meta>` tag cannot say (`SERVER_ONLY`). The pages load
nothing from elsewhere and hold no inline script or style: colours from
site.yaml are a generated stylesheet (`static/accent.css`), the favicon a file,
and the preview's live reload `/__briefing__/live.js` with its overlay styled by
`/__briefing__/live.css`. Search (Pagefind) compiles WebAssembly and may start a
worker from a blob, which `'wasm-unsafe-eval'` and `worker-src` allow; nothing
else is.
"""

from __future__ import annotations

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
))

# Directives a browser ignores in a <meta> tag: only a server's header can send them.
SERVER_ONLY = "frame-ancestors 'none'"


def header_value() -> str:
    """The policy as a server should send it, in a `Content-Security-Policy` header."""
    return f"{CONTENT_SECURITY_POLICY}; {SERVER_ONLY}"
