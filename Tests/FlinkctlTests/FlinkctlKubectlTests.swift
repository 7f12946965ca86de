import Foundation
import KubeClient
import TestSupport
import Testing

@Suite("flinkctl like kubectl: -o name, -o jsonpath, -f and stdin, contexts, help and completion", .serialized)
struct FlinkctlKubectlTests {
    @Test("-f FILE and -f - (JSON and YAML), -o name and -o jsonpath against the operator")
    func specsAndOutputs() async throws {
        let harness = try await FlinkctlHarness.start()
        defer { Task { await harness.stop() } }
        let client = harness.client

        let fromStdin = harness.flinkctl(["deployment", "create", "--deployment-name", "demo", "-f", "-", "-o", "name"], stdin: demoSpecJSON)
        #expect(fromStdin.status == 0 && fromStdin.stdout == "flinkdeployment/demo\n", "\(fromStdin)")
        #expect(try await eventually { try await client.list(FlinkJob.self).items.count == 2 })
        #expect(await eventually { harness.flinkctl(["deployments", "list", "-o", "jsonpath={.items[0].metadata.name}"]).stdout == "demo" })
        let yamlFromStdin = harness.flinkctl(["deployment", "create", "--deployment-name", "other", "-f", "-"], stdin: demoResourceYAML)
        #expect(yamlFromStdin.status == 0, "\(yamlFromStdin)")
        #expect(try await client.get(FlinkDeployment.self, name: "other").spec.cluster.runtime.image == "flink:1.20.5")

        #expect(await eventually { lines(harness.flinkctl(["deployments", "list", "-o", "name"])) == ["flinkdeployment/demo", "flinkdeployment/other"] })
        let jobs = harness.flinkctl(["jobs", "list", "--cluster-name", "demo", "-o", "name"])
        #expect(jobs.status == 0 && lines(jobs) == ["flinkjob/demo-a", "flinkjob/demo-b"], "\(jobs)")
        let names = harness.flinkctl(["jobs", "list", "--cluster-name", "demo", "-o", "jsonpath={.items[*].metadata.name}"])
        #expect(names.status == 0 && names.stdout.split(separator: " ").sorted() == ["demo-a", "demo-b"], "\(names)")

        // Each list item carries its status, as kubectl's objects do.
        let rows = #"jsonpath={range .items[*]}{.metadata.name}{"\t"}{.status.resourceStatus}{"\n"}{end}"#
        #expect(await eventually { lines(harness.flinkctl(["deployments", "list", "-o", rows])) == ["demo\tUpdated", "other\tUpdated"] })
        let status = harness.flinkctl(["cluster", "status", "--cluster-name", "demo", "-o", "jsonpath=cluster {.metadata.name} ({.kind})"])
        #expect(status.status == 0 && status.stdout == "cluster demo (FlinkCluster)", "\(status)")

        // A whole resource in a YAML file, with the original's option and with -f.
        let file = try harness.file("demo.yaml", demoResourceYAML)
        #expect(harness.flinkctl(["deployment", "update", "--deployment-name", "demo", "-f", file]).status == 0)
        #expect(try await client.get(FlinkDeployment.self, name: "demo").spec.jobs?.map(\.name) == ["a"])

        let both = harness.flinkctl(["deployment", "update", "--deployment-name", "demo", "-f", file, "--deployment-spec", file])
        #expect(both.status == 64 && both.stderr.contains("give -f or --deployment-spec, not both"), "\(both)")
        let neither = harness.flinkctl(["cluster", "create", "--cluster-name", "demo"])
        #expect(neither.status == 64 && neither.stderr.contains("missing -f FILE (or --cluster-spec FILE)"), "\(neither)")
        let badStdin = harness.flinkctl(["job", "update", "--cluster-name", "demo", "--job-name", "a", "-f", "-"], stdin: "jobParallelism: [")
        #expect(badStdin.status == 1 && badStdin.stderr.contains("invalid spec file (standard input)"), "\(badStdin)")

        let bad = harness.flinkctl(["deployments", "list", "-o", "jsonpath={.items["])
        #expect(bad.status == 64 && bad.stdout.isEmpty && bad.stderr.contains("invalid jsonpath template"), "\(bad)")

        let deleted = harness.flinkctl(["deployment", "delete", "--deployment-name", "other", "-o", "name"])
        #expect(deleted.status == 0 && deleted.stdout == "flinkdeployment/other\n", "\(deleted)")
    }

    @Test("contexts: set, use, list, view and delete; commands connect with the current context and flags override it")
    func contexts() async throws {
        let harness = try await FlinkctlHarness.start()
        defer { Task { await harness.stop() } }
        let path = harness.files.appendingPathComponent("home/flinkctl/config.yaml").path
        let environment = ["FLINKCTL_CONFIG": path]
        func config(_ arguments: [String]) -> Run { harness.flinkctl(["config"] + arguments, connect: false, environment: environment) }
        let certificates = TestCertificates.trusted

        let set = config([
            "set-context", "local", "--port", String(harness.port), "--cert", certificates.clientCertificate, "--key", certificates.clientKey,
            "--ca-cert", certificates.ca,
        ])
        #expect(set.status == 0 && set.stdout.contains("Context \"local\" created"), "\(set)")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        #expect(config(["set-context", "broken", "--port", "1", "--insecure-http", "--namespace", "team-b"]).status == 0)
        #expect(config(["set-context", "bad", "--namespace", "Team_B"]).stderr.contains("invalid namespace 'Team_B'"))
        #expect(config(["current-context"]).status == 1)
        #expect(config(["use-context", "nope"]).status == 1)
        #expect(config(["use-context", "local"]).status == 0)
        #expect(config(["current-context"]).stdout == "local\n")
        let contexts = config(["get-contexts"]).stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(
            contexts == [
                ["CURRENT", "NAME", "SERVER", "TLS", "NAMESPACE"], ["*", "local", "localhost:\(harness.port)", "pem"],
                ["broken", "localhost:1", "none", "team-b"],
            ])
        #expect(config(["view"]).stdout.contains("current-context: local"))

        let list = harness.flinkctl(["deployments", "list", "-o", "json"], connect: false, environment: environment)
        #expect(list.status == 0 && (try? JSONSerialization.jsonObject(with: Data(list.stdout.utf8))) as? [String] == [], "\(list)")
        // --namespace reaches the operator as ?namespace=; one it does not manage is its 404, a bad name refused at once.
        let own = harness.flinkctl(["deployments", "list", "-n", "default", "-o", "json"], connect: false, environment: environment)
        #expect(own.status == 0 && (try? JSONSerialization.jsonObject(with: Data(own.stdout.utf8))) as? [String] == [], "\(own)")
        let unmanaged = harness.flinkctl(["deployments", "list", "--namespace", "team-x"], connect: false, environment: environment)
        #expect(unmanaged.status == 1 && unmanaged.stderr.contains("namespace 'team-x' is not managed by this operator"), "\(unmanaged)")
        #expect(harness.flinkctl(["deployments", "list", "-n", "Bad_Name"], connect: false, environment: environment).status == 64)
        let overridden = harness.flinkctl(["deployments", "list", "--port", "1"], connect: false, environment: environment)
        #expect(overridden.status == 1 && overridden.stderr.contains("https://localhost:1") && overridden.stderr.contains("refused"), "\(overridden)")
        let other = harness.flinkctl(["deployments", "list", "--context", "broken"], connect: false, environment: environment)
        #expect(other.status == 1 && other.stderr.contains("http://localhost:1"), "\(other)")
        let explicit = Run.flinkctl(["deployments", "list", "--config", path, "--context", "local"])
        #expect(explicit.status == 0, "\(explicit)")
        let unknown = harness.flinkctl(["deployments", "list", "--context", "nope"], connect: false, environment: environment)
        #expect(unknown.status != 0 && unknown.stderr.contains("no context \"nope\""), "\(unknown)")

        let deleted = config(["delete-context", "local"])
        #expect(deleted.status == 0 && deleted.stderr.contains("was the current context"), "\(deleted)")
        #expect(config(["get-contexts", "-o", "name"]).stdout == "broken\n")
        let without = harness.flinkctl(["deployments", "list"], connect: false, environment: environment)
        #expect(without.status == 64 && without.stderr.contains("--cert"), "\(without)")
    }

    @Test("every command's --help has examples of itself, and the bash completion script names the subcommands")
    func helpAndCompletion() {
        var visited: [String] = []
        var pending: [[String]] = [[]]
        while let path = pending.popLast() {
            let command = (["flinkctl"] + path).joined(separator: " ")
            visited.append(path.joined(separator: " "))
            let help = Run.flinkctl(path + ["--help"])
            #expect(help.status == 0, "\(command): \(help)")
            let lines = help.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(lines.contains("Examples:"), "\(command) --help has no examples")
            #expect(lines.contains { $0 == command || $0.hasPrefix(command + " ") }, "\(command) --help has no example of itself")
            pending += Self.subcommands(help.stdout).map { path + [$0] }.filter { sub in
                // `operator|supervisor|bootstrap run --help` is the server's own help, passed through.
                !(sub.count == 2 && sub[1] == "run")
            }
        }
        for command in ["", "config set-context", "config get-contexts", "job scale", "taskmanager metrics", "deployments list"] {
            #expect(visited.contains(command), "\(command) was not visited: \(visited)")
        }
        #expect(visited.count >= 50, "\(visited)")

        let bash = Run.flinkctl(["--generate-completion-script", "bash"])
        #expect(bash.status == 0 && bash.stdout.contains("_flinkctl"), "\(bash)")
        for name in ["deployments", "set-context", "use-context", "taskmanagers"] {
            #expect(bash.stdout.contains(name), "the bash completion script lacks \(name)")
        }
    }

    /// The lines of a run's standard output, sorted.
    func lines(_ run: Run) -> [String] { run.stdout.split(separator: "\n").map(String.init).sorted() }

    /// The subcommand names of a `--help` text (without `help`).
    static func subcommands(_ help: String) -> [String] {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "SUBCOMMANDS:") else { return [] }
        return lines[(start + 1)...].prefix { !$0.isEmpty }.compactMap { line in
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { return nil }
            let name = line.split(separator: " ").first.map(String.init)
            return name == "help" ? nil : name
        }
    }
}
