import Foundation

/// Runs the command that follows with no signal blocked. Foundation's `Process` passes the test runner's signal
/// mask (nearly everything blocked) to children, so a child server would never see SIGTERM; this resets it.
/// (Descriptors are left alone: Foundation watches a socket the child inherits to learn that it exited.)
public let unblockedLauncher = [
    "python3", "-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execvp(sys.argv[1], sys.argv[1:])",
]

/// Runs the tool that follows as a child with no signal blocked and none of this process's descriptors, and exits
/// with its status. Foundation learns that a child exited when a socket the child inherits closes; a daemon the tool
/// starts (a Flink JVM from `cluster.sh`) would inherit it too and keep `waitUntilExit` waiting forever.
let toolLauncher = [
    "python3", "-c",
    "import signal, subprocess, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); sys.exit(subprocess.run(sys.argv[1:], close_fds=True).returncode)",
]

/// Root of the repository, found from this file's path (Tests/TestSupport/Tools.swift).
public let repoRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Runs `args` through `/usr/bin/env` in `directory` (the repository root by default), with `environment` added to
/// this process's, and returns its exit status and combined output.
public func runTool(
    _ args: [String], standardInput: String? = nil, environment: [String: String] = [:], directory: URL = repoRoot
) -> (status: Int32, output: String) {
    let process = Process()
    var base = ProcessInfo.processInfo.environment
    // Tools `make deps` extracts (promtool) live in .tools/bin.
    base["PATH"] = repoRoot.appendingPathComponent(".tools/bin").path + ":" + (base["PATH"] ?? "/usr/bin:/bin")
    process.environment = base.merging(environment) { _, new in new }
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = toolLauncher + args
    process.currentDirectoryURL = directory
    // Output goes to a file, not a pipe: a daemon the tool starts (a Flink JVM) must not keep the caller waiting for EOF.
    let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("tool-\(UUID().uuidString).out")
    FileManager.default.createFile(atPath: outputFile.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: outputFile) }
    guard let handle = try? FileHandle(forWritingTo: outputFile) else { return (-1, "cannot create \(outputFile.path)") }
    process.standardOutput = handle
    process.standardError = handle
    let input = Pipe()
    process.standardInput = standardInput == nil ? FileHandle.nullDevice : input
    do {
        try process.run()
    } catch {
        return (-1, "cannot run \(args.joined(separator: " ")): \(error)")
    }
    try? handle.close()
    if let standardInput {
        input.fileHandleForWriting.write(Data(standardInput.utf8))
        try? input.fileHandleForWriting.close()
    }
    process.waitUntilExit()
    let output = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
    return (process.terminationStatus, output)
}

/// Stops a child process: SIGTERM, then SIGKILL if it is still there after `grace`; waits for it to exit.
public func stopProcess(_ process: Process, grace: TimeInterval = 10) {
    let pid = process.processIdentifier
    kill(pid, SIGTERM)
    let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
    DispatchQueue.global().asyncAfter(deadline: .now() + grace, execute: watchdog)
    process.waitUntilExit()
    watchdog.cancel()
}

/// Polls `condition` every 20 ms for up to `seconds` and says whether it came true; an error while polling counts as
/// "not yet", an error on the last try is thrown.
public func eventually(within seconds: Double = 15, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if (try? await condition()) == true { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
