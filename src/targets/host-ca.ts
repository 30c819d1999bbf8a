import { existsSync } from 'node:fs';

// Where the host's CA bundle is mounted in containers rig makes. /dev is a tmpfs in every container, so the
// mount point never lands in the container's own files (nor in a --commit image), and the image's own
// bundle stays writable for its ca-certificates package.
export const CA_IN_CONTAINER = '/dev/rig-host-ca.crt';

const BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'];

// The host's CA bundle ($SSL_CERT_FILE, else the usual places), so HTTPS inside trusts what the host trusts.
export function hostCaBundle(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return [env.SSL_CERT_FILE, ...BUNDLES].find((f): f is string => !!f && existsSync(f));
}

// Environment that points curl, OpenSSL, pip, requests, git and node at the mounted bundle.
export function caEnv(): Record<string, string> {
  const vars = ['SSL_CERT_FILE', 'CURL_CA_BUNDLE', 'REQUESTS_CA_BUNDLE', 'PIP_CERT', 'GIT_SSL_CAINFO', 'NODE_EXTRA_CA_CERTS'];
  return Object.fromEntries(vars.map((v) => [v, CA_IN_CONTAINER]));
}
