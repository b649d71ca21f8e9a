import { connect as connectTcp, isIP } from 'node:net';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as connectTls } from 'node:tls';
import type { CheckTrace } from './check-trace.js';
import type { Deadline } from './deadline.js';
import { ProbeFailure, describeNetworkError } from './network-failure.js';
import { certificateProblem, tlsInfoOf } from './tls-certificate.js';

const ignore = (): void => undefined;

/** The host to connect to: IPv6 literals come bracketed in URLs. */
export function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * Opens a new connection for one hop (never a pooled one, so that DNS, connect and TLS are
 * measured every time) and resolves once it is ready for a request: connected, and for https
 * past a handshake whose certificate was accepted.
 *
 * The certificate is judged here rather than by OpenSSL's `rejectUnauthorized`, so that it is
 * known even when it is refused (an expired certificate still reports its dates) and so that
 * no request is written to a peer that failed verification.
 */
export function openConnection(
  url: URL,
  verifyTls: boolean,
  trace: CheckTrace,
  deadline: Deadline,
): Promise<Socket> {
  const host = hostOf(url);
  const secure = url.protocol === 'https:';
  const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
  const hopStartedAt = performance.now();
  const tlsSocket = secure
    ? connectTls({
        host,
        port,
        servername: isIP(host) === 0 ? host : undefined,
        rejectUnauthorized: false,
        ALPNProtocols: ['http/1.1'],
      })
    : null;
  const socket: Socket = tlsSocket ?? connectTcp({ host, port });
  // Errors are reported through the steps that wait on the socket; this keeps a late one
  // (after its step has settled) from crashing the thread.
  socket.on('error', ignore);
  socket.setNoDelay(true);
  deadline.track(socket);

  return new Promise<Socket>((resolve, reject) => {
    let lookedUpAt: number | null = null;
    let connectedAt: number | null = null;
    const fail = (error: unknown): void => {
      socket.destroy();
      if (error instanceof ProbeFailure) {
        reject(error);
        return;
      }
      let failure = describeNetworkError(error, host);
      if (secure && connectedAt !== null && failure.kind === 'connection_reset') {
        // Typically a server that does not speak TLS on this port and hangs up on the hello.
        failure = {
          kind: 'tls',
          message: 'TLS error: handshake failed (connection closed by the server)',
        };
      }
      reject(new ProbeFailure(failure, { cause: error }));
    };
    socket.once('error', fail);
    socket.once('lookup', () => {
      lookedUpAt = performance.now();
      trace.addDns(lookedUpAt - hopStartedAt);
    });
    socket.once('connect', () => {
      connectedAt = performance.now();
      trace.addConnect(connectedAt - (lookedUpAt ?? hopStartedAt));
      if (!secure) {
        socket.off('error', fail);
        resolve(socket);
      }
    });
    if (tlsSocket === null) return;
    tlsSocket.once('secureConnect', () => {
      trace.addTls(performance.now() - (connectedAt ?? hopStartedAt));
      const nowMs = Date.now();
      trace.tls = tlsInfoOf(tlsSocket.getPeerCertificate(), nowMs);
      const problem = verifyTls ? certificateProblem(tlsSocket, host, nowMs) : null;
      if (problem !== null) {
        fail(new ProbeFailure({ kind: 'tls', message: `TLS error: ${problem}` }));
        return;
      }
      socket.off('error', fail);
      resolve(socket);
    });
  });
}
