import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// A client TLS configuration presenting `identity`'s client certificate (or none) and trusting `trust`'s CA.
public func clientTLS(identity: CertificateSet?, trust: CertificateSet = TestCertificates.trusted) throws -> TLSConfiguration {
    var configuration = TLSConfiguration.makeClientConfiguration()
    configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(trust.ca))
    if let identity {
        configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(identity.clientCertificate).map { .certificate($0) }
        configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: identity.clientKey, format: .pem))
    }
    return configuration
}

/// A client TLS configuration presenting the certificate `name` of `set` (see `CertificateSet.certificate(_:)`).
public func clientTLS(as name: String, of set: CertificateSet = TestCertificates.trusted) throws -> TLSConfiguration {
    var configuration = TLSConfiguration.makeClientConfiguration()
    configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(set.ca))
    configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(set.certificate(name)).map { .certificate($0) }
    configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: set.key(name), format: .pem))
    return configuration
}

/// Status and body of one request.
public struct Answer: Sendable {
    public let status: Int
    public let body: String
    public let contentType: String?

    /// An answer.
    public init(status: Int, body: String, contentType: String?) {
        self.status = status
        self.body = body
        self.contentType = contentType
    }

    /// The body parsed as a JSON object.
    public var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] }
}

/// Sends one request with its own client, shutting the client down afterwards.
public func fetch(
    _ url: String, method: HTTPMethod = .GET, body: String? = nil, contentType: String? = "application/json",
    tls: TLSConfiguration? = nil
) async throws -> Answer {
    var configuration = HTTPClient.Configuration()
    configuration.tlsConfiguration = tls
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    do {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.body = .bytes(ByteBuffer(string: body))
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        }
        let response = try await client.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let answer = Answer(
            status: Int(response.status.code), body: String(buffer: bytes), contentType: response.headers.first(name: "Content-Type")
        )
        try await client.shutdown()
        return answer
    } catch {
        try? await client.shutdown()
        throw error
    }
}
