#!/usr/bin/env bash
# Generates the PEM certificates of the toolbox's mutual TLS into ./secrets (or $SECRETS_DIR).
#
#   ./secrets.sh <host> <key-password> <keystore-password> <truststore-password>
#
# Same arguments as the original toolbox's secrets.sh. Writes:
#   ca_cert.pem, ca_key.pem                      the toolbox CA (sign only; keep ca_key.pem private)
#   operator-api_cert.pem, operator-api_key.pem  role operator: the operator (its API, and its calls to supervisors)
#   operator-cli_cert.pem, operator-cli_key.pem  role admin: CLI users who may do everything (flinkctl, curl)
#   reader_cert.pem, reader_key.pem              role reader: CLI users who may only read (GET) the control plane
#   supervisor_cert.pem, supervisor_key.pem      role supervisor: the supervisors (Helm supervisorSecretName)
#   bootstrap_cert.pem, bootstrap_key.pem        role bootstrap: the bootstrap Jobs (Helm bootstrapSecretName)
#   operator-cli.p12                             the client certificate and key for browsers, protected by <keystore-password>
#   keystore-operator-{api,cli}.jks              the original's key stores: key, certificate and CA (PKCS#12, <keystore-password>)
#   truststore-operator-{api,cli}.jks            the original's trust stores: the CA certificate (PKCS#12, <truststore-password>)
# Each certificate names its role in a URI SAN, spiffe://flink-k8s-toolbox/<role> (and OU=<role> in its subject, for
# people); the APIs admit each role to the operations openapi/toolbox.yaml lists for it (x-toolbox-roles). With
# SECRETS_CLUSTERS="<namespace>/<cluster> ..." it also writes supervisor-<namespace>-<cluster>_{cert,key}.pem and
# bootstrap-<namespace>-<cluster>_{cert,key}.pem, bound to that cluster
# (spiffe://flink-k8s-toolbox/ns/<namespace>/cluster/<cluster>/<role>): only that cluster's supervisor admits them.
# Certificates carry SANs localhost, 127.0.0.1, host.docker.internal, minikube and <host>, and both the
# serverAuth and clientAuth usages (the services also call each other). Keys are unencrypted PEM (mode 0600),
# the format the Swift services and Kubernetes TLS secrets use. The .jks stores are PKCS#12 (Java's keytool reads
# PKCS#12 whatever the extension; the toolbox reads both forms); the trust stores are made with keytool when it is
# installed, so Java sees the CA as a trusted entry. <key-password> is accepted for compatibility: a PKCS#12 key
# entry has the store's password.
set -euo pipefail

if [ $# -lt 4 ]; then
  echo "usage: $0 <host> <key-password> <keystore-password> <truststore-password>" >&2
  exit 2
fi
host=$1 keystore_password=$3 truststore_password=$4
out=${SECRETS_DIR:-secrets}
days=${CERT_DAYS:-825}
command -v openssl >/dev/null || { echo "secrets.sh: openssl is required (apt-get install openssl)" >&2; exit 1; }
case "$host" in *[!A-Za-z0-9.-]*|"") echo "secrets.sh: invalid host name '$host'" >&2; exit 2;; esac

mkdir -p "$out"
umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$days" \
  -subj "/CN=flink-k8s-toolbox-ca" -keyout "$out/ca_key.pem" -out "$out/ca_cert.pem" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

issue() { # issue NAME ROLE [IDENTITY-PATH]: writes NAME_key.pem and NAME_cert.pem signed by the CA
  local name=$1 role=$2 path=${3:-$2}
  cat > "$work/$name.ext" <<EXT
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=URI:spiffe://flink-k8s-toolbox/$path,DNS:localhost,IP:127.0.0.1,DNS:host.docker.internal,DNS:minikube,DNS:$host
EXT
  openssl req -new -newkey rsa:2048 -nodes -sha256 -subj "/O=flink-k8s-toolbox/OU=$role/CN=$name" \
    -keyout "$out/${name}_key.pem" -out "$work/$name.csr" 2>/dev/null
  openssl x509 -req -sha256 -days "$days" -in "$work/$name.csr" -CA "$out/ca_cert.pem" -CAkey "$out/ca_key.pem" \
    -CAcreateserial -CAserial "$work/ca.srl" -extfile "$work/$name.ext" -out "$out/${name}_cert.pem" 2>/dev/null
}
issue operator-api operator
issue operator-cli admin
issue reader reader
issue supervisor supervisor
issue bootstrap bootstrap
for scope in ${SECRETS_CLUSTERS:-}; do
  case "$scope" in
    */*) namespace=${scope%%/*} cluster=${scope#*/} ;;
    *) echo "secrets.sh: SECRETS_CLUSTERS entries are <namespace>/<cluster>, got '$scope'" >&2; exit 2 ;;
  esac
  case "$namespace$cluster" in *[!a-z0-9.-]*) echo "secrets.sh: invalid namespace or cluster in '$scope'" >&2; exit 2;; esac
  for role in supervisor bootstrap; do
    issue "$role-$namespace-$cluster" "$role" "ns/$namespace/cluster/$cluster/$role"
  done
done
openssl pkcs12 -export -in "$out/operator-cli_cert.pem" -inkey "$out/operator-cli_key.pem" \
  -certfile "$out/ca_cert.pem" -name operator-cli -passout "pass:$keystore_password" -out "$out/operator-cli.p12"
for name in operator-api operator-cli; do
  openssl pkcs12 -export -in "$out/${name}_cert.pem" -inkey "$out/${name}_key.pem" -certfile "$out/ca_cert.pem" \
    -name "$name" -passout "pass:$keystore_password" -out "$out/keystore-$name.jks"
  rm -f "$out/truststore-$name.jks"
  if command -v keytool >/dev/null; then
    keytool -importcert -noprompt -storetype PKCS12 -alias ca -file "$out/ca_cert.pem" \
      -keystore "$out/truststore-$name.jks" -storepass "$truststore_password" >/dev/null 2>&1
  else
    openssl pkcs12 -export -nokeys -in "$out/ca_cert.pem" -name ca -passout "pass:$truststore_password" \
      -out "$out/truststore-$name.jks"
  fi
done
chmod 0644 "$out"/*_cert.pem
echo "Certificates written to $out/ (CA; roles operator (operator-api), admin (operator-cli), reader, supervisor, bootstrap as PEM; operator-api and operator-cli also as PKCS#12 .jks stores; SANs localhost, 127.0.0.1, $host)"
