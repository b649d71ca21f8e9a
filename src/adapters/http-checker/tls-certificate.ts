import { checkServerIdentity } from 'node:tls';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { TlsInfo } from '../../domain/check.js';

const DAY_MS = 86_400_000;

function firstValue(value: string | readonly string[] | undefined): string | null {
  const v = Array.isArray(value) ? (value as readonly string[])[0] : (value as string | undefined);
  return v !== undefined && v.length > 0 ? v : null;
}

/** The certificate facts a result carries; null when the peer sent no usable certificate. */
export function tlsInfoOf(cert: PeerCertificate, nowMs: number): TlsInfo | null {
  const validToMs = Date.parse(cert.valid_to);
  if (Number.isNaN(validToMs)) return null;
  // `issuer` is absent at runtime when the peer sent no certificate, whatever the typings say.
  const issuer = cert.issuer as PeerCertificate['issuer'] | undefined;
  return {
    validTo: new Date(validToMs).toISOString(),
    daysLeft: Math.floor((validToMs - nowMs) / DAY_MS),
    issuer: issuer === undefined ? null : (firstValue(issuer.CN) ?? firstValue(issuer.O)),
  };
}

/** The names a certificate is valid for, as a person would list them. */
function namesOf(cert: PeerCertificate): string {
  // Absent at runtime for a certificate without the extension, whatever the typings say.
  const alt: string | undefined = cert.subjectaltname;
  if (alt !== undefined && alt.length > 0) {
    return alt
      .split(',')
      .map((entry) => entry.trim().replace(/^(DNS|IP Address):/, ''))
      .join(', ');
  }
  return firstValue((cert.subject as PeerCertificate['subject'] | undefined)?.CN) ?? 'no name';
}

const VERIFY_ERRORS: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the chain',
  UNABLE_TO_GET_ISSUER_CERT: 'certificate issuer is unknown',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate issuer is unknown (incomplete chain?)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate issuer is unknown (incomplete chain?)',
  CERT_REVOKED: 'certificate has been revoked',
  CERT_SIGNATURE_FAILURE: 'certificate signature is invalid',
  CERT_CHAIN_TOO_LONG: 'certificate chain is too long',
  INVALID_CA: 'certificate chain has an invalid CA certificate',
  CERT_UNTRUSTED: 'certificate is not trusted',
};

/**
 * Why the peer's certificate is not acceptable for `host`, or null when it is. OpenSSL reports a
 * single code per handshake, and leaves the host unchecked when the chain is untrusted; so the
 * problems are weighed here, most actionable first: validity dates, then the host name, then
 * trust in the chain.
 */
export function certificateProblem(socket: TLSSocket, host: string, nowMs: number): string | null {
  if (socket.authorized) return null;
  const cert = socket.getPeerCertificate();
  const validFromMs = Date.parse(cert.valid_from);
  const validToMs = Date.parse(cert.valid_to);
  if (nowMs > validToMs) return 'certificate has expired';
  if (nowMs < validFromMs) return 'certificate is not yet valid';
  if (!Number.isNaN(validToMs) && checkServerIdentity(host, cert) !== undefined) {
    return `certificate is for another host (${namesOf(cert)}; not ${host})`;
  }
  const code = String(socket.authorizationError);
  return VERIFY_ERRORS[code] ?? `certificate rejected (${code})`;
}
