import Foundation

/// One of the built executables, started on 127.0.0.1 with ephemeral ports; stopped by PID.
public struct LaunchedExecutable {
    /// The running process.
    public let process: Process
    /// Its combined output.
    public let log: URL

    /// Starts `name` with `arguments` plus ephemeral loopback ports, logging to a temporary file.
    public static func start(_ name: String, _ arguments: [String]) throws -> LaunchedExecutable {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("toolbox-\(name)-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            unblockedLauncher + [try executable(name).path]
            + ["run", "--bind-address", "127.0.0.1", "--port", "0", "--monitoring-port", "0"] + arguments
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return LaunchedExecutable(process: process, log: log)
    }

    /// The built executable: beside the test bundle, or in `.build/debug`.
    public static func executable(_ name: String) throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name),
            repoRoot.appendingPathComponent(".build/debug/\(name)"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[1]
    }

    /// What it printed so far.
    public var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Waits for the "api/monitoring listening on port N" lines and returns the ports.
    public func ports() async throws -> (api: Int, monitoring: Int) {
        for _ in 0..<500 {
            if let api = port("api"), let monitoring = port("monitoring") { return (api, monitoring) }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "no listening ports in log:\n\(output)"])
    }

    private func port(_ listener: String) -> Int? {
        guard let range = output.range(of: "\(listener) listening on port ") else { return nil }
        return Int(output[range.upperBound...].prefix { $0.isNumber })
    }

    /// Sends SIGTERM and waits up to 10 s; kills with SIGKILL if it does not stop.
    public func terminate() async -> Int32? {
        process.terminate()
        for _ in 0..<500 where process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }
}
