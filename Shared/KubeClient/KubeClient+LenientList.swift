import Foundation

/// A list whose items decode one by one: items that do not decode as `Object` are reported, not fatal.
public struct LenientObjectList<Object: KubeResource>: Sendable {
    public var metadata: ListMeta
    public var items: [Object]
    public var failures: [DecodeFailure]
}

extension KubeClient {
    /// Lists like `list`, but an item that does not decode is reported in `failures` instead of failing the call.
    public func listLenient<Object: KubeResource>(
        _ type: Object.Type, namespace: String?, labelSelector: String? = nil, fieldSelector: String? = nil
    ) async throws -> LenientObjectList<Object> {
        var query: [(String, String)] = []
        if let labelSelector { query.append(("labelSelector", labelSelector)) }
        if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
        let data = try await send(.GET, Object.resource.collectionPath(namespace: namespace), query: query, resource: Object.resource.plural)
        let raw = try decode(RawList.self, data)
        var items: [Object] = []
        var failures: [DecodeFailure] = []
        for item in raw.items {
            switch item.result(as: Object.self) {
            case .success(let object): items.append(object)
            case .failure(let failure): failures.append(failure)
            }
        }
        return LenientObjectList(metadata: raw.metadata, items: items, failures: failures)
    }
}

private struct RawList: Decodable {
    var metadata: ListMeta
    var items: [RawItem]
}

/// One list item kept as JSON until it is decoded as the expected type.
private struct RawItem: Decodable {
    var json: JSONValue

    init(from decoder: any Decoder) throws { json = try JSONValue(from: decoder) }

    func result<Object: KubeResource>(as type: Object.Type) -> Result<Object, DecodeFailure> {
        // List items carry no apiVersion and kind (as in real Kubernetes); they are the list's.
        var json = json
        if json["apiVersion"] == nil { json["apiVersion"] = .string(Object.resource.apiVersion) }
        if json["kind"] == nil { json["kind"] = .string(Object.resource.kind) }
        do {
            return .success(try json.decode(as: Object.self))
        } catch {
            let metadata = json["metadata"]
            let key = ObjectKey(namespace: metadata?["namespace"]?.stringValue, name: metadata?["name"]?.stringValue ?? "")
            return .failure(DecodeFailure(key: key, message: "cannot decode \(Object.resource.kind) \(key): \(error)"))
        }
    }
}

extension DecodeFailure: Error {}
