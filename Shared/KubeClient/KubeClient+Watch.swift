import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat

/// The kind of a watch event.
public enum WatchEventType: String, Codable, Sendable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
    case bookmark = "BOOKMARK"
    case error = "ERROR"
}

/// One change seen by a watch. Bookmarks carry only a resourceVersion; an object that does not decode as
/// `Object` arrives with `object == nil` and `failure` naming it, so one bad object never breaks a watch.
public struct WatchEvent<Object: KubeResource>: Sendable {
    public var type: WatchEventType
    /// The object (absent for bookmarks and undecodable objects).
    public var object: Object?
    /// The resourceVersion to resume from after this event.
    public var resourceVersion: String?
    /// Why the object could not be decoded.
    public var failure: DecodeFailure?
}

/// An object the server sent that does not decode as the expected type.
public struct DecodeFailure: Sendable, Hashable {
    /// The object's key.
    public var key: ObjectKey
    /// The decoding error.
    public var message: String
}

/// What a watch asks for.
public struct WatchOptions: Sendable {
    /// Namespace to watch; `nil` watches all namespaces.
    public var namespace: String?
    /// Start after this resourceVersion (from a list or an earlier event); `nil` starts with the current objects.
    public var resourceVersion: String?
    public var labelSelector: String?
    public var fieldSelector: String?
    /// The server ends the watch after this long; the reflector then resumes it.
    public var timeoutSeconds: Int = 300
    /// Ask for bookmark events, which advance the resourceVersion on quiet watches.
    public var allowBookmarks = true

    /// Options for a watch of `namespace` (all namespaces when `nil`).
    public init(namespace: String?, resourceVersion: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil) {
        self.namespace = namespace
        self.resourceVersion = resourceVersion
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
    }

    var query: [(String, String)] {
        var query = [("watch", "true"), ("timeoutSeconds", String(timeoutSeconds))]
        if allowBookmarks { query.append(("allowWatchBookmarks", "true")) }
        if let resourceVersion { query.append(("resourceVersion", resourceVersion)) }
        if let labelSelector { query.append(("labelSelector", labelSelector)) }
        if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
        return query
    }
}

extension KubeClient {
    /// Streams changes of objects of `type`. The stream ends when the server ends the watch; an `ERROR` event is
    /// thrown as a `KubeError` (`.gone` when the resourceVersion is too old: list again).
    public func watch<Object: KubeResource>(_ type: Object.Type, options: WatchOptions) -> AsyncThrowingStream<WatchEvent<Object>, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await self.streamWatch(Object.self, options: options) { continuation.yield($0) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func streamWatch<Object: KubeResource>(
        _ type: Object.Type, options: WatchOptions, yield: (WatchEvent<Object>) -> Void
    ) async throws {
        let path = Object.resource.collectionPath(namespace: options.namespace)
        let request = try makeRequest(.GET, path, query: options.query)
        let response: HTTPClientResponse
        do {
            response = try await watches.execute(request, deadline: .distantFuture)
        } catch {
            throw KubeError(kind: .transport, code: 0, message: "watch \(path): \(error)")
        }
        guard response.status.code == 200 else {
            let body = try? await response.body.collect(upTo: 1 << 20)
            let status = body.flatMap { try? KubeJSON.decoder.decode(Status.self, from: Data(buffer: $0)) }
            throw KubeError.from(code: Int(response.status.code), status: status, method: "WATCH", path: path)
        }
        var lines = WatchLineSplitter()
        do {
            for try await chunk in response.body {
                for line in lines.append(chunk) { yield(try WatchEventDecoder.decode(Object.self, line: line)) }
            }
        } catch let error as KubeError {
            throw error
        } catch {
            throw KubeError(kind: .transport, code: 0, message: "watch \(path) broke: \(error)")
        }
    }
}

/// Splits a chunked watch body into newline-delimited JSON lines.
struct WatchLineSplitter {
    private var pending = Data()

    /// Adds a chunk and returns the complete lines it finished.
    ///
    /// The bytes are copied and scanned as raw memory (memchr), and the rest after the last newline is kept with one
    /// copy per chunk: appending the chunk's byte view and searching `Data` went a byte at a time, and the rest was
    /// copied after every line (2.4% of the operator's instructions, callgrind).
    mutating func append(_ chunk: ByteBuffer) -> [Data] {
        chunk.withUnsafeReadableBytes { pending.append(contentsOf: $0) }
        var lines: [Data] = []
        let consumed = pending.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Int in
            guard let base = bytes.baseAddress else { return 0 }
            var start = 0
            while start < bytes.count, let found = memchr(base + start, Int32(UInt8(ascii: "\n")), bytes.count - start) {
                let end = base.distance(to: UnsafeRawPointer(found))
                let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                if line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) { lines.append(Data(line)) }
                start = end + 1
            }
            return start
        }
        if consumed > 0 { pending = consumed == pending.count ? Data() : Data(pending.dropFirst(consumed)) }
        return lines
    }
}

/// Decodes one watch line.
enum WatchEventDecoder {
    private struct Header: Decodable {
        struct Metadata: Decodable {
            var name: String?
            var namespace: String?
            var resourceVersion: String?
        }
        struct Object: Decodable { var metadata: Metadata? }
        var type: WatchEventType
        var object: Object?
    }

    private struct Typed<Object: Decodable>: Decodable { var object: Object }

    private struct Change<Object: Decodable>: Decodable {
        var type: WatchEventType
        var object: Object
    }

    /// Added, modified and deleted events, the stream's bulk, are read in one parse of the line; a bookmark, an
    /// error or an object that does not decode goes the way that reads the event's header first (two parses).
    static func decode<Object: KubeResource>(_ type: Object.Type, line: Data) throws -> WatchEvent<Object> {
        let decoder = KubeJSON.decoder
        if let change = try? decoder.decode(Change<Object>.self, from: line), change.type != .bookmark, change.type != .error {
            return WatchEvent(type: change.type, object: change.object, resourceVersion: change.object.metadata.resourceVersion)
        }
        guard let header = try? decoder.decode(Header.self, from: line) else {
            throw KubeError(kind: .decoding, code: 0, message: "bad watch event: \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
        switch header.type {
        case .error:
            let status = try? decoder.decode(Typed<Status>.self, from: line).object
            throw KubeError.from(code: status?.code ?? 500, status: status, method: "WATCH", path: Object.resource.plural)
        case .bookmark:
            return WatchEvent(type: .bookmark, object: nil, resourceVersion: header.object?.metadata?.resourceVersion)
        case .added, .modified, .deleted:
            let metadata = header.object?.metadata
            do {
                let object = try decoder.decode(Typed<Object>.self, from: line).object
                return WatchEvent(type: header.type, object: object, resourceVersion: object.metadata.resourceVersion)
            } catch {
                let key = ObjectKey(namespace: metadata?.namespace, name: metadata?.name ?? "")
                let failure = DecodeFailure(key: key, message: "cannot decode \(Object.resource.kind) \(key): \(error)")
                return WatchEvent(type: header.type, object: nil, resourceVersion: metadata?.resourceVersion, failure: failure)
            }
        }
    }
}
