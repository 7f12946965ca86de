import Foundation
import Yams

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ClientConfig {
    /// The config file: `explicit` (`--config`), else `$FLINKCTL_CONFIG`, else `$XDG_CONFIG_HOME/flinkctl/config.yaml`,
    /// else `~/.config/flinkctl/config.yaml`.
    static func path(_ explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let path = environment["FLINKCTL_CONFIG"], !path.isEmpty { return path }
        let base =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        return base + "/flinkctl/config.yaml"
    }

    /// The config in `path`; an empty config when the file does not exist.
    static func load(from path: String) throws -> ClientConfig {
        guard FileManager.default.fileExists(atPath: path) else { return ClientConfig() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FlinkctlError.setup("cannot read config file \(path)")
        }
        do {
            let text = String(decoding: data, as: UTF8.self)
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return ClientConfig() }
            return try YAMLDecoder().decode(ClientConfig.self, from: text)
        } catch {
            throw FlinkctlError.setup("invalid config file \(path): \(error)")
        }
    }

    /// Writes the config to `path` atomically (a new file renamed over the old one), readable by its owner only, as
    /// it may name keystore passwords.
    func save(to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
        let data = Data(try yaml().utf8)
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw Self.failure("cannot create", temporary) }
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == data.count, synced == 0, rename(temporary, path) == 0 else {
            let error = Self.failure("cannot write", path)
            unlink(temporary)
            throw error
        }
    }

    private static func failure(_ what: String, _ path: String) -> FlinkctlError {
        .setup("\(what) config file \(path): \(String(cString: strerror(errno)))")
    }
}
