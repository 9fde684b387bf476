"""A minimal OpenID provider on a loopback port: discovery, authorize, token, userinfo and JWKS, with RS256-signed
id tokens (signed here with `cryptography`) and PKCE. Whoever `provider.next_user` names is "signed in" at the
authorization endpoint, with the groups `provider.users` gives them."""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

CLIENT_ID, CLIENT_SECRET = "meterboard", "provider-client-secret"


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Provider:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.users = {}  # username: {"groups": [...], "given_name": ..., ...}
        self.next_user = None
        self.codes = {}
        self.tokens = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def sign(self, claims):
        header = {"alg": "RS256", "typ": "JWT", "kid": "test-key"}
        signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
        signature = self.key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input}.{b64(signature)}"

    def jwks(self):
        numbers = self.key.public_key().public_numbers()
        n = numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")
        e = numbers.e.to_bytes(3, "big")
        return {"keys": [{"kty": "RSA", "kid": "test-key", "alg": "RS256", "use": "sig", "n": b64(n), "e": b64(e)}]}

    def claims(self, username):
        return {"sub": f"sub-{username}", "preferred_username": username, "email": f"{username}@example.org",
                **self.users[username]}  # fmt: skip

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status, body=None, headers=()):
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    base = provider.url
                    return self.answer(200, {
                        "issuer": base, "authorization_endpoint": f"{base}/authorize", "token_endpoint": f"{base}/token",
                        "userinfo_endpoint": f"{base}/userinfo", "jwks_uri": f"{base}/jwks",
                    })  # fmt: skip
                if url.path == "/jwks":
                    return self.answer(200, provider.jwks())
                if url.path == "/authorize":
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = {**query, "username": provider.next_user}
                    target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
                    return self.answer(302, headers=[("Location", target)])
                if url.path == "/userinfo":
                    username = provider.tokens.get(self.headers.get("Authorization", "").removeprefix("Bearer "))
                    if username is None:
                        return self.answer(401, {"error": "invalid_token"})
                    return self.answer(200, provider.claims(username))
                return self.answer(404, {"error": "not found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                grant = provider.codes.pop(form.get("code"), None)
                if urlsplit(self.path).path != "/token" or grant is None:
                    return self.answer(400, {"error": "invalid_grant"})
                if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
                    return self.answer(401, {"error": "invalid_client"})
                challenge = b64(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
                if challenge != grant.get("code_challenge") or form.get("redirect_uri") != grant["redirect_uri"]:
                    return self.answer(400, {"error": "invalid_grant"})
                access_token = secrets.token_urlsafe(16)
                provider.tokens[access_token] = grant["username"]
                now = int(time.time())
                id_token = provider.sign({
                    "iss": provider.url, "aud": CLIENT_ID, "sub": f"sub-{grant['username']}", "iat": now,
                    "exp": now + 300, "nonce": grant.get("nonce"),
                })  # fmt: skip
                return self.answer(200, {"access_token": access_token, "id_token": id_token, "token_type": "Bearer"})

        return Handler
