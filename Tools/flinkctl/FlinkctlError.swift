import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// Why a command failed; printed as one line on stderr, and the process exits 1.
enum FlinkctlError: Error, CustomStringConvertible, LocalizedError {
    /// The operator answered with an error status (4xx, 5xx) or an `ERROR` envelope.
    case server(statusCode: Int, reason: String?, message: String)
    /// The operator answered something that is not an envelope.
    case unexpectedAnswer(statusCode: Int, body: String)
    /// No answer: connection refused, TLS failure, timeout.
    case transport(URL, any Error)
    /// The spec file could not be used.
    case invalidSpec(path: String, reason: String)
    /// The client could not be set up (for example unreadable PEM files).
    case setup(String)

    /// The one-line message.
    var description: String {
        switch self {
        case .server(let code, let reason, let message):
            let singleLine = message.split(whereSeparator: \.isNewline).joined(separator: " ")
            return "the operator answered HTTP \(code)\(reason.map { " \($0)" } ?? ""): \(singleLine)"
        case .unexpectedAnswer(let code, let body):
            return "unexpected answer from the operator (HTTP \(code)): \(body.prefix(300))"
        case .transport(let url, let error):
            return "cannot talk to the operator at \(url.absoluteString): \(Self.explain(error))"
        case .invalidSpec(let path, let reason):
            return "invalid spec file \(path): \(reason)"
        case .setup(let message):
            return message
        }
    }

    var errorDescription: String? { description }

    /// A TLS failure in words, from BoringSSL's reason code.
    static func explainTLS(_ text: String) -> String {
        let reason = text.firstMatch(of: /OPENSSL_internal:([A-Z0-9_]+)/).map { String($0.1) }
        switch reason {
        case "TLSV1_ALERT_UNKNOWN_CA", "SSLV3_ALERT_BAD_CERTIFICATE", "TLSV1_ALERT_CERTIFICATE_REQUIRED", "SSLV3_ALERT_CERTIFICATE_UNKNOWN":
            return "TLS failure: the operator refused the client certificate (\(reason!)); check --cert and --key"
        case "CERTIFICATE_VERIFY_FAILED":
            return "TLS failure: the operator's certificate is not signed by the CA of --ca-cert or does not name --host (\(reason!))"
        case "WRONG_VERSION_NUMBER":
            return "TLS failure: the operator does not answer TLS on this port (plain HTTP? use --insecure-http)"
        case let reason?:
            return "TLS failure (\(reason)); check --cert, --key and --ca-cert"
        case nil:
            return "TLS failure (\(text)); check --cert, --key and --ca-cert"
        }
    }

    /// A short explanation of a transport failure.
    static func explain(_ error: any Error) -> String {
        switch error {
        case is NIOSSLError, is BoringSSLError:
            return explainTLS("\(error)")
        case let error as HTTPClientError where error == .connectTimeout:
            return "connection timed out"
        case let error as HTTPClientError where error == .remoteConnectionClosed:
            return "the operator closed the connection (a refused client certificate, or a TLS port reached with --insecure-http?)"
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout:
            return "no answer in time"
        case let error as IOError where error.errnoCode == ECONNREFUSED:
            return "connection refused (is the operator running, and are --host and --port right?)"
        default:
            let text = "\(error)"
            if text.contains("refused") { return "connection refused (is the operator running, and are --host and --port right?)" }
            return text
        }
    }
}
