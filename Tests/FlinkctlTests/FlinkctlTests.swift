import Foundation
import KubeClient
import TestSupport
import Testing
import ToolboxAPI

/// The FlinkDeployment spec the operator tests use (two jobs), as JSON.
let demoSpecJSON = """
    {"cluster":{"taskManagers":1,"runtime":{"image":"flink:2.3.0"},"jobManager":{"serviceMode":"ClusterIP"},
     "taskManager":{"taskSlots":2},"supervisor":{"image":"flink-k8s-toolbox-supervisor:1.5.0"}},
     "jobs":[{"name":"a","spec":{"jobParallelism":1,"bootstrap":{"image":"jobs:1","className":"C","jarPath":"/jobs/x.jar"},
       "savepoint":{"savepointMode":"Automatic","savepointInterval":0,"savepointTargetPath":"file:///tmp/sp"},"restart":{"restartPolicy":"Never"}}},
      {"name":"b","spec":{"jobParallelism":1,"bootstrap":{"image":"jobs:1","className":"C","jarPath":"/jobs/x.jar"},
       "savepoint":{"savepointMode":"Manual","savepointInterval":0,"savepointTargetPath":"file:///tmp/sp"},"restart":{"restartPolicy":"Always"}}}]}
    """

/// The same deployment as a whole YAML resource, with another Flink image and only job `a`.
let demoResourceYAML = """
    apiVersion: nextbreakpoint.com/v1
    kind: FlinkDeployment
    metadata:
      name: demo
    spec:
      cluster:
        taskManagers: 1
        runtime: {image: "flink:1.20.5"}
        jobManager: {serviceMode: ClusterIP}
        taskManager: {taskSlots: 2}
        supervisor: {image: "flink-k8s-toolbox-supervisor:1.5.0"}
      jobs:
        - name: a
          spec:
            jobParallelism: 1
            bootstrap: {image: "jobs:1", className: C, jarPath: /jobs/x.jar}
            savepoint: {savepointMode: Automatic, savepointInterval: 0, savepointTargetPath: "file:///tmp/sp"}
            restart: {restartPolicy: Never}
    """

@Suite("flinkctl against the operator", .serialized)
struct FlinkctlTests {
    @Test("create, list, status, update, scale, savepoint, wait and delete a deployment through the CLI over mutual TLS")
    func deploymentLifecycle() async throws {
        let harness = try await FlinkctlHarness.start()
        defer { Task { await harness.stop() } }
        let client = harness.client

        let created = harness.flinkctl(["deployment", "create", "--deployment-name=demo", "--deployment-spec", try harness.file("demo.json", demoSpecJSON)])
        #expect(created.status == 0, "\(created)")
        #expect(created.json?.count == 1 && created.json?["status"] as? String == "OK", "\(created)")
        #expect(try await eventually { try await client.getIfPresent(FlinkCluster.self, name: "demo") != nil })
        #expect(try await eventually { try await client.list(FlinkJob.self).items.count == 2 })

        // The default output is the original's envelope, byte for byte as the operator sent it: output is JSON text.
        #expect(await eventually { harness.flinkctl(["deployments", "list"]).json?["output"] as? String == #"["demo"]"# })
        let raw = try await fetch("https://localhost:\(harness.port)/api/v1/deployments", tls: clientTLS(identity: TestCertificates.trusted))
        #expect(harness.flinkctl(["deployments", "list"]).stdout == raw.body + "\n")
        let json = harness.flinkctl(["deployments", "list", "--output", "json"])
        #expect(json.status == 0 && (try? JSONSerialization.jsonObject(with: Data(json.stdout.utf8))) as? [String] == ["demo"], "\(json)")
        #expect(await eventually { harness.flinkctl(["deployments", "list", "-o", "table"]).stdout.contains("Updated") })
        let table = harness.flinkctl(["deployments", "list", "-o", "table"]).stdout.split(separator: "\n")
        #expect(table.first?.hasPrefix("NAME") == true && table.first?.contains("RESOURCE-STATUS") == true, "\(table)")
        #expect(table.dropFirst().first?.hasPrefix("demo ") == true, "\(table)")
        let clusters = harness.flinkctl(["clusters", "list", "-o", "table"])
        #expect(clusters.stdout.contains("SUPERVISOR-STATUS") && clusters.stdout.contains("demo"), "\(clusters)")
        let jobs = harness.flinkctl(["jobs", "list", "--cluster-name", "demo", "-o", "yaml"])
        #expect(jobs.stdout == "- a\n- b\n", "\(jobs)")

        let status = harness.flinkctl(["deployment", "status", "--deployment-name", "demo", "-o", "json"])
        #expect(status.status == 0 && status.json?["resourceStatus"] as? String == "Updated", "\(status)")

        // Update sends the spec object itself (the original double-encoded it); the change reaches the resource.
        let updated = harness.flinkctl([
            "deployment", "update", "--deployment-name", "demo", "--deployment-spec", try harness.file("demo.yaml", demoResourceYAML),
        ])
        #expect(updated.status == 0, "\(updated)")
        let deployment = try await client.get(FlinkDeployment.self, name: "demo")
        #expect(deployment.spec.cluster.runtime.image == "flink:1.20.5")
        #expect(deployment.spec.jobs?.map(\.name) == ["a"])

        // Scaling goes through the scale subresources.
        #expect(harness.flinkctl(["cluster", "scale", "--cluster-name", "demo", "--task-managers", "3"]).status == 0)
        #expect(try await client.get(FlinkCluster.self, name: "demo").spec.taskManagers == 3)
        #expect(harness.flinkctl(["job", "scale", "--cluster-name", "demo", "--job-name", "a", "--parallelism", "2"]).status == 0)
        #expect(try await client.get(FlinkJob.self, name: "demo-a").spec.jobParallelism == 2)

        // Actions are annotations for the supervisor.
        let action = "operator.nextbreakpoint.com/requested-action"
        #expect(harness.flinkctl(["savepoint", "trigger", "--cluster-name", "demo", "--job-name", "a"]).status == 0)
        #expect(try await client.get(FlinkJob.self, name: "demo-a").metadata.annotations?[action] == "TRIGGER_SAVEPOINT")

        // The savepoint history the supervisor keeps in status, newest first.
        var job = try await client.get(FlinkJob.self, name: "demo-a")
        let taken = Date(timeIntervalSince1970: 1_800_000_000)
        var jobStatus = job.status ?? .init()
        jobStatus.savepointHistory = [.init(path: "file:///tmp/sp/savepoint-2", timestamp: taken, trigger: .manual, jobId: "f1")]
        job.status = jobStatus
        _ = try await client.updateStatus(job)
        let savepoints = harness.flinkctl(["savepoint", "list", "--cluster-name", "demo", "--job-name", "a", "-o", "json"])
        #expect(savepoints.status == 0 && savepoints.stdout.contains("file:///tmp/sp/savepoint-2") && savepoints.stdout.contains("manual"), "\(savepoints)")

        // The original's keystore options (the PKCS#12 stores of secrets.sh) instead of the PEM ones.
        let certificates = TestCertificates.trusted
        let keystores = Run.flinkctl([
            "deployments", "list", "--port", String(harness.port), "--keystore-path", certificates.clientKeystore,
            "--keystore-secret", certificates.keystorePassword, "--truststore-path", certificates.clientTruststore,
            "--truststore-secret", certificates.truststorePassword,
        ])
        #expect(keystores.status == 0 && keystores.stdout.contains("demo"), "\(keystores)")

        // No supervisor runs, so --wait sees no change and times out with exit code 3, after the request was made.
        let stop = harness.flinkctl(["cluster", "stop", "--cluster-name", "demo", "--without-savepoint", "--wait", "--timeout", "2", "--wait-interval", "0.5"])
        #expect(stop.status == 3, "\(stop)")
        #expect(stop.stderr.contains("cluster demo: supervisorStatus=") && stop.stderr.contains("timed out after 2 s"), "\(stop)")
        let annotations = try await client.get(FlinkCluster.self, name: "demo").metadata.annotations
        #expect(annotations?[action] == "STOP" && annotations?["operator.nextbreakpoint.com/without-savepoint"] == "true")

        // Flink details come from the supervisor, which is not there: a clear error and exit 1.
        let details = harness.flinkctl(["job", "details", "--cluster-name", "demo", "--job-name", "a"])
        #expect(details.status == 1 && details.stdout.isEmpty, "\(details)")
        #expect(details.stderr.contains("HTTP 503 Unavailable") && details.stderr.split(separator: "\n").count == 1, "\(details)")

        // A deployment created with --wait is reported once the operator has split it.
        let other = harness.flinkctl([
            "deployment", "create", "--deployment-name", "other", "--deployment-spec", try harness.file("other.json", demoSpecJSON), "--wait", "--timeout",
            "20",
        ])
        #expect(other.status == 0 && other.stderr.contains("deployment other: reached resourceStatus Updated"), "\(other)")

        for name in ["demo", "other"] {
            #expect(harness.flinkctl(["deployment", "delete", "--deployment-name", name]).status == 0)
        }
        #expect(try await eventually(within: 20) { try await client.list(FlinkDeployment.self).items.isEmpty })
    }

    @Test("errors: wrong certificate, unreachable operator, unknown deployment, bad spec file and usage errors")
    func errors() async throws {
        let harness = try await FlinkctlHarness.start()
        defer { Task { await harness.stop() } }

        let foreign = Run.flinkctl(["deployments", "list"] + harness.connection(identity: TestCertificates.foreign))
        #expect(foreign.status == 1 && foreign.stdout.isEmpty, "\(foreign)")
        #expect(foreign.stderr.hasPrefix("Error: cannot talk to the operator at https://localhost:\(harness.port)"), "\(foreign)")
        #expect(foreign.stderr.contains("refused the client certificate") || foreign.stderr.contains("closed the connection"), "\(foreign)")
        let wrongCA = Run.flinkctl([
            "deployments", "list", "--port", String(harness.port), "--cert", TestCertificates.trusted.clientCertificate,
            "--key", TestCertificates.trusted.clientKey, "--ca-cert", TestCertificates.foreign.ca,
        ])
        #expect(wrongCA.status == 1 && wrongCA.stderr.contains("TLS failure: the operator's certificate is not signed"), "\(wrongCA)")

        let refused = Run.flinkctl(["clusters", "list", "--insecure-http", "--port", "1"])
        #expect(refused.status == 1 && refused.stderr.contains("connection refused"), "\(refused)")

        // The PEM options can come from the environment.
        let certificates = TestCertificates.trusted
        let missing = harness.flinkctl(
            ["deployment", "status", "--deployment-name", "nope", "--port", String(harness.port)], connect: false,
            environment: [
                "FLINKCTL_CERT": certificates.clientCertificate, "FLINKCTL_KEY": certificates.clientKey, "FLINKCTL_CA_CERT": certificates.ca,
            ])
        #expect(missing.status == 1, "\(missing)")
        #expect(missing.stderr.contains("HTTP 404 NotFound: Deployment not found: nope"), "\(missing)")

        let unknownField = harness.flinkctl([
            "deployment", "create", "--deployment-name", "demo", "--deployment-spec",
            repoRoot.appendingPathComponent("examples/invalid/unknown-field.yaml").path,
        ])
        #expect(unknownField.status == 1 && unknownField.stderr.contains("unknown field cluster.jobManager.serviceType"), "\(unknownField)")

        #expect(harness.flinkctl(["cluster", "scale", "--cluster-name", "demo"]).status == 64)
        #expect(harness.flinkctl(["deployments", "list", "--output", "xml"]).status == 64)
        let noTLS = Run.flinkctl(["deployments", "list"])
        #expect(noTLS.status == 64 && noTLS.stderr.contains("--cert"), "\(noTLS)")
        #expect(Run.flinkctl(["--generate-completion-script", "bash"]).stdout.contains("flinkctl"))
    }

    @Test("identities: the reader certificate reads but may not change anything; service and role-less certificates get 403")
    func identities() async throws {
        let harness = try await FlinkctlHarness.start()
        defer { Task { await harness.stop() } }
        let certificates = TestCertificates.trusted
        func connection(_ name: String) -> [String] {
            ["--port", String(harness.port), "--cert", certificates.certificate(name), "--key", certificates.key(name), "--ca-cert", certificates.ca]
        }
        let list = Run.flinkctl(["deployments", "list"] + connection("reader"))
        #expect(list.status == 0, "\(list)")
        let spec = try harness.file("demo.json", demoSpecJSON)
        let create = Run.flinkctl(["deployment", "create", "--deployment-name", "demo", "--deployment-spec", spec] + connection("reader"))
        #expect(create.status == 1 && create.stderr.contains("HTTP 403 Unauthorized: reader may not call createDeployment"), "\(create)")
        let stop = Run.flinkctl(["cluster", "stop", "--cluster-name", "demo"] + connection("reader"))
        #expect(stop.status == 1 && stop.stderr.contains("HTTP 403"), "\(stop)")
        for name in ["supervisor", "bootstrap", "legacy"] {
            let refused = Run.flinkctl(["deployments", "list"] + connection(name))
            #expect(refused.status == 1 && refused.stderr.contains("HTTP 403 Unauthorized"), "\(name): \(refused)")
        }
        #expect(harness.flinkctl(["deployment", "create", "--deployment-name", "demo", "--deployment-spec", spec]).status == 0)
    }

    @Test("operator, supervisor and bootstrap run: the original's server commands run the sibling executables with the options given")
    func serverCommands() {
        let operatorHelp = Run.flinkctl(["operator", "run", "--help"])
        #expect(operatorHelp.status == 0 && operatorHelp.stdout.contains("--supervisor-abandon-after"), "\(operatorHelp)")
        #expect(operatorHelp.stdout.contains("--task-timeout") && operatorHelp.stdout.contains("--polling-interval"), "\(operatorHelp)")
        let supervisorHelp = Run.flinkctl(["supervisor", "run", "--help"])
        #expect(supervisorHelp.status == 0 && supervisorHelp.stdout.contains("--cluster-name"), "\(supervisorHelp)")
        let bootstrapHelp = Run.flinkctl(["bootstrap", "run", "--help"])
        #expect(bootstrapHelp.status == 0 && bootstrapHelp.stdout.contains("--jar-path"), "\(bootstrapHelp)")
        // The manual's bootstrap command line as written (a dry run, on free ports): the JobManager and the supervisor are
        // found from the namespace and the cluster name.
        let bootstrap = Run.flinkctl([
            "bootstrap", "run", "--namespace=flink-jobs", "--cluster-name=demo", "--job-name=computeaverage", "--class-name=your-main-class",
            "--jar-path=/your-job-jar.jar", "--parallelism=2", "--dry-run", "--port=0", "--monitoring-port=0",
        ])
        #expect(bootstrap.status == 0, "\(bootstrap)")
        #expect(
            bootstrap.stderr.contains("JobManager at http://jobmanager-demo.flink-jobs:8081, supervisor at http://supervisor-demo.flink-jobs:4445"),
            "\(bootstrap)")
        // The command line the toolbox writes into supervisor and bootstrap pods is led by the executable's name, as the
        // original's: flinkctl (the all-in-one image's entry point) runs it, and so does the executable itself (its image's
        // entry point), which skips the name.
        for (name, option) in [("supervisor", "--cluster-name"), ("bootstrap", "--jar-path")] {
            let own = Run.flinkctl([name, "run", "--help"], executable: name)
            #expect(own.status == 0 && own.stdout.contains(option), "\(own)")
        }
        let named = Run.flinkctl(
            [
                "bootstrap", "run", "--namespace=flink-jobs", "--cluster-name=demo", "--job-name=computeaverage", "--class-name=your-main-class",
                "--jar-path=/your-job-jar.jar", "--parallelism=2", "--dry-run", "--port=0", "--monitoring-port=0",
            ], executable: "bootstrap")
        #expect(named.status == 0 && named.stderr.contains("JobManager at http://jobmanager-demo.flink-jobs:8081"), "\(named)")
        // The operator's own validation answers, with its exit code: the process is the operator, not flinkctl.
        let invalid = Run.flinkctl(["operator", "run", "--namespace=flink-jobs", "--task-timeout=0"])
        #expect(invalid.status == 64 && invalid.stderr.contains("--polling-interval and --task-timeout must be positive"), "\(invalid)")
    }

    @Test("flink-k8s-toolbox, the all-in-one image's executable, runs the program named by the link it is called through")
    func allInOneExecutable() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("all-in-one-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let binary = folder.appendingPathComponent("flink-k8s-toolbox")
        try FileManager.default.copyItem(at: try LaunchedExecutable.executable("flink-k8s-toolbox"), to: binary)
        for program in ["flinkctl", "operator", "supervisor", "bootstrap"] {  // as in deploy/docker/flinkctl.Dockerfile
            try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent(program).path, withDestinationPath: "flink-k8s-toolbox")
        }
        let link = { (name: String) in folder.appendingPathComponent(name) }
        let version = Run.launch(link("flinkctl"), ["--version"])
        #expect(version.status == 0 && version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == ToolboxContract.version, "\(version)")
        for (program, option) in [("operator", "--supervisor-abandon-after"), ("supervisor", "--cluster-name"), ("bootstrap", "--jar-path")] {
            let direct = Run.launch(link(program), ["run", "--help"])
            #expect(direct.status == 0 && direct.stdout.contains(option), "\(program): \(direct)")
            // flinkctl's `<program> run` execs the link beside it, which runs that program
            let throughFlinkctl = Run.launch(link("flinkctl"), [program, "run", "--help"])
            #expect(throughFlinkctl.status == 0 && throughFlinkctl.stdout.contains(option), "flinkctl \(program): \(throughFlinkctl)")
            let named = Run.launch(binary, [program, "run", "--help"])
            #expect(named.status == 0 && named.stdout.contains(option), "flink-k8s-toolbox \(program): \(named)")
        }
        let invalid = Run.launch(link("operator"), ["run", "--namespace=flink-jobs", "--task-timeout=0"])
        #expect(invalid.status == 64 && invalid.stderr.contains("--polling-interval and --task-timeout must be positive"), "\(invalid)")
        let unnamed = Run.launch(binary, [])
        #expect(unnamed.status == 64 && unnamed.stderr.contains("usage: flink-k8s-toolbox"), "\(unnamed)")
    }
}
