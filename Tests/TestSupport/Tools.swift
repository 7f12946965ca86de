import Foundation

/// Runs the command that follows with no signal blocked. Foundation's `Process` passes the test runner's signal
/// mask (nearly everything blocked) to children, so a child server would never see SIGTERM; this resets it.
public let unblockedLauncher = [
    "python3", "-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execvp(sys.argv[1], sys.argv[1:])",
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
    process.arguments = unblockedLauncher + args
    process.currentDirectoryURL = directory
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    let input = Pipe()
    process.standardInput = input
    do {
        try process.run()
    } catch {
        return (-1, "cannot run \(args.joined(separator: " ")): \(error)")
    }
    if let standardInput { input.fileHandleForWriting.write(Data(standardInput.utf8)) }
    try? input.fileHandleForWriting.close()
    // Drain the pipe before waiting, or a full pipe buffer deadlocks the child.
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
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
