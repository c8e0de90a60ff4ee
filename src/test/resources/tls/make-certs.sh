#!/usr/bin/env bash
# Regenerates the test-only TLS material in this folder (CA, server cert for localhost, client cert).
# Valid for 10 years; never use these outside tests.
set -euo pipefail
cd "$(dirname "$0")"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ca.key
openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "/CN=grpcshop test CA" -out ca.crt
for name in server client; do
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$name.key"
  openssl req -new -key "$name.key" -subj "/CN=grpcshop-$name" -out "$name.csr"
  printf 'subjectAltName=DNS:localhost,DNS:grpcshop,IP:127.0.0.1\nextendedKeyUsage=%s\n' \
    "$([ "$name" = server ] && echo serverAuth || echo clientAuth)" > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days 3650 \
    -extfile "$name.ext" -out "$name.crt"
  rm "$name.csr" "$name.ext"
done
# the gRPC server reads its trust store (for client certificates) only as PKCS12/JKS, with a password
rm -f ca.p12
keytool -importcert -noprompt -alias grpcshop-ca -file ca.crt -keystore ca.p12 -storetype PKCS12 -storepass changeit
rm -f ca.srl ca.key
