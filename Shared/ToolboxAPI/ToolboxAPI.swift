/// Generated Codable types, client and server stubs for the toolbox contract in `openapi/toolbox.yaml`.
///
/// The generator plugin writes `Types.swift`, `Client.swift` and `Server.swift` into the build folder;
/// nothing generated is committed. This file exists because SwiftPM drops a target without sources.
public enum ToolboxContract {
    /// Version of the contract (`info.version` of `openapi/toolbox.yaml`).
    public static let version = "1.5.0"
}
