import Crypto
import Foundation
import ToolboxAPI

/// Digests of sub-specs, stored in status to detect changes (section 4 of the behaviour reference).
///
/// digest(x) = Base64 of MD5 over the canonical JSON of `x` (keys sorted, no whitespace); `""` for an absent value.
/// The original serialised with Gson's field order, so its digests differ byte-wise; a cluster upgraded from the
/// original is therefore seen as changed once and restarted from its savepoint.
public enum SpecDigest {
    /// The digest of an encodable value.
    public static func of<Value: Encodable>(_ value: Value?) -> String {
        guard let value else { return "" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(value) else { return "" }
        return Data(Insecure.MD5.hash(data: data)).base64EncodedString()
    }

    /// The four digests of a cluster spec.
    public static func cluster(_ spec: Components.Schemas.FlinkClusterSpec) -> Components.Schemas.ClusterDigest {
        .init(runtime: of(spec.runtime), jobManager: of(spec.jobManager), taskManager: of(spec.taskManager), supervisor: of(spec.supervisor))
    }

    /// The three digests of a job spec.
    public static func job(_ spec: Components.Schemas.FlinkJobSpec) -> Components.Schemas.JobDigest {
        .init(bootstrap: of(spec.bootstrap), savepoint: of(spec.savepoint), restart: of(spec.restart))
    }
}
