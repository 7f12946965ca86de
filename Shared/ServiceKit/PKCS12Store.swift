import CNIOBoringSSL
import CNIOBoringSSLShims
import Foundation
import NIOSSL

/// A PKCS#12 key or trust store, as the original toolbox's `secrets.sh` and Java's `keytool` make them (the
/// original names them `.jks`; keytool reads PKCS#12 whatever the extension). Read with BoringSSL, the TLS library
/// the services already use: `NIOSSLPKCS12Bundle` alone cannot read a trust store, which holds no private key.
struct PKCS12Store {
    /// The private key of the store's key entry; `nil` in a trust store.
    var privateKey: NIOSSLPrivateKey?
    /// The key entry's certificate first (when there is a key), then every other certificate of the store.
    var certificates: [NIOSSLCertificate]

    /// Reads and decrypts the store at `path` with `password`.
    /// - Throws: `ServiceKitError.unreadableTLSMaterial` naming the file and what is wrong with it.
    static func read(path: String, password: String) throws -> PKCS12Store {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ServiceKitError.unreadableTLSMaterial(path: path, reason: "cannot read the file")
        }
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xFE, 0xED, 0xFE, 0xED]) {
            throw ServiceKitError.unreadableTLSMaterial(
                path: path,
                reason: "a JKS keystore; convert it to PKCS#12: keytool -importkeystore -srckeystore \(path) -destkeystore store.p12 -deststoretype pkcs12"
            )
        }
        let (hasKey, certificates) = try parse(bytes, password: password, path: path)
        var store = PKCS12Store(privateKey: nil, certificates: certificates)
        if hasKey {
            // NIOSSL's own reader turns the key into a NIOSSLPrivateKey; it is only safe on a store with a key.
            do {
                let bundle = try NIOSSLPKCS12Bundle(buffer: bytes, passphrase: Array(password.utf8))
                store.privateKey = bundle.privateKey
                store.certificates = bundle.certificateChain
            } catch {
                throw ServiceKitError.unreadableTLSMaterial(path: path, reason: "\(error)")
            }
        }
        guard !store.certificates.isEmpty else {
            throw ServiceKitError.unreadableTLSMaterial(path: path, reason: "the store holds no certificate")
        }
        return store
    }

    /// Whether the store has a private key (a key store, not a trust store), and every certificate of the store.
    private static func parse(_ bytes: [UInt8], password: String, path: String) throws -> (Bool, [NIOSSLCertificate]) {
        try withParsed(bytes, password: password, path: path) { key, certificate, others in
            var ders: [[UInt8]] = []
            if let certificate { ders.append(der(of: certificate)) }
            if let others {
                for index in 0..<CNIOBoringSSLShims_sk_X509_num(others) {
                    if let entry = CNIOBoringSSLShims_sk_X509_value(others, index) { ders.append(der(of: entry)) }
                }
            }
            return (key != nil, try ders.map { try NIOSSLCertificate(bytes: $0, format: .der) })
        }
    }

    /// Parses the store with BoringSSL and hands the key, the key's certificate and the other certificates to `body`;
    /// frees them afterwards.
    private static func withParsed<T>(
        _ bytes: [UInt8], password: String, path: String,
        _ body: (OpaquePointer?, OpaquePointer?, OpaquePointer?) throws -> T
    ) throws -> T {
        let pkcs12: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_PKCS12(nil, &cursor, buffer.count)
        }
        guard let pkcs12 else {
            ERR_clear_error()
            throw ServiceKitError.unreadableTLSMaterial(path: path, reason: "not a PKCS#12 store")
        }
        defer { PKCS12_free(pkcs12) }
        var key: OpaquePointer?
        var certificate: OpaquePointer?
        var others: OpaquePointer?
        guard PKCS12_parse(pkcs12, password, &key, &certificate, &others) == 1 else {
            ERR_clear_error()
            throw ServiceKitError.unreadableTLSMaterial(path: path, reason: "cannot decrypt the store: wrong password or unsupported encryption")
        }
        defer {
            if let key { EVP_PKEY_free(key) }
            if let certificate { X509_free(certificate) }
            if let others { CNIOBoringSSLShims_sk_X509_pop_free(others, X509_free) }
        }
        return try body(key, certificate, others)
    }

    private static func der(of certificate: OpaquePointer) -> [UInt8] {
        let length = i2d_X509(certificate, nil)
        guard length > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: Int(length))
        out.withUnsafeMutableBufferPointer { buffer in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            _ = i2d_X509(certificate, &cursor)
        }
        return out
    }
}
