"""TLS material (CA, serving and client certificates) and the kubeconfig file."""
from __future__ import annotations

import base64
import datetime
import ipaddress
import os

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _key():
    return ec.generate_private_key(ec.SECP256R1())


def _pem_key(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption())


def _cert(subject: str, key, issuer_cert, issuer_key, ca: bool, usage=None, sans=None, org=None):
    now = datetime.datetime.now(datetime.timezone.utc)
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, subject)]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    name = x509.Name(attrs)
    builder = (x509.CertificateBuilder().subject_name(name)
               .issuer_name(issuer_cert.subject if issuer_cert else name)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(days=3650))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False),
                                        critical=True)
    else:
        builder = builder.add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False),
                                        critical=True)
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return builder.sign(issuer_key or key, hashes.SHA256())


def ensure_tls(state_dir: str) -> dict[str, str]:
    """Create (once) ca.crt, server.crt/key and client.crt/key in `state_dir`; return their paths."""
    paths = {n: os.path.join(state_dir, n) for n in ("ca.crt", "ca.key", "server.crt", "server.key",
                                                     "client.crt", "client.key")}
    if all(os.path.exists(p) for p in paths.values()):
        return paths
    ca_key = _key()
    ca = _cert("localkube-ca", ca_key, None, None, True)
    server_key, client_key = _key(), _key()
    sans = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    server = _cert("localkube", server_key, ca, ca_key, False, ExtendedKeyUsageOID.SERVER_AUTH, sans)
    client = _cert("localkube-admin", client_key, ca, ca_key, False, ExtendedKeyUsageOID.CLIENT_AUTH,
                   org="system:masters")
    for name, data in (("ca.crt", ca.public_bytes(serialization.Encoding.PEM)), ("ca.key", _pem_key(ca_key)),
                       ("server.crt", server.public_bytes(serialization.Encoding.PEM)),
                       ("server.key", _pem_key(server_key)),
                       ("client.crt", client.public_bytes(serialization.Encoding.PEM)),
                       ("client.key", _pem_key(client_key))):
        fd = os.open(paths[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    return paths


def _b64(path: str) -> str:
    with open(path, "rb") as handle:
        return base64.b64encode(handle.read()).decode()


def write_kubeconfig(path: str, server: str, tls: dict | None, token: str | None) -> None:
    """Write a kubeconfig with context `localkube` (namespace default)."""
    cluster = {"server": server}
    user: dict = {}
    if tls:
        cluster["certificate-authority-data"] = _b64(tls["ca.crt"])
        user["client-certificate-data"] = _b64(tls["client.crt"])
        user["client-key-data"] = _b64(tls["client.key"])
    if token:
        user["token"] = token
    config = {"apiVersion": "v1", "kind": "Config", "preferences": {},
              "clusters": [{"name": "localkube", "cluster": cluster}],
              "users": [{"name": "localkube", "user": user}],
              "contexts": [{"name": "localkube", "context": {"cluster": "localkube", "user": "localkube",
                                                             "namespace": "default"}}],
              "current-context": "localkube"}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        yaml.safe_dump(config, handle, sort_keys=False)
