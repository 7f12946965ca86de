import Foundation

extension FlinkRESTClient {
    /// `/jobmanager/config`: the JobManager's configuration as key → value (only the keys set in its configuration;
    /// an absent key has Flink's default).
    public func jobManagerConfiguration() async throws -> [String: String] {
        struct Entry: Decodable {
            var key: String
            var value: String
        }
        let entries = try JSONDecoder().decode([Entry].self, from: try await send(.GET, "/jobmanager/config"))
        return Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}
