import Foundation
import ServiceKit
import TestSupport
import Testing

@Suite("Monitoring listener")
struct MonitoringTests {
    @Test("/version answers the product name and version as JSON", arguments: Component.allCases)
    func version(component: Component) async throws {
        let answer = try await withServer(component: component) { _, monitoring in
            try await fetch("http://127.0.0.1:\(monitoring)/version")
        }
        #expect(answer.status == 200)
        #expect(answer.json?["name"] as? String == "flink-k8s-toolbox")
        #expect(answer.json?["version"] as? String == ToolboxVersion.version)
        #expect(answer.json?["component"] as? String == component.rawValue)
    }

    @Test("/metrics passes promtool check metrics and counts the requests served")
    func metricsPassPromtool() async throws {
        let text = try await withServer { api, monitoring in
            _ = try await fetch("https://localhost:\(api)/api/v1/deployments", tls: clientTLS(identity: TestCertificates.trusted))
            _ = try await fetch("http://127.0.0.1:\(monitoring)/version")
            return try await fetch("http://127.0.0.1:\(monitoring)/metrics").body
        }
        #expect(text.contains(#"toolbox_http_requests_total{listener="api",method="GET",code="501"} 1"#))
        #expect(text.contains(#"toolbox_build_info{component="operator",version="\#(ToolboxVersion.version)"} 1"#))
        #expect(text.contains("process_resident_memory_bytes"))
        let check = runTool(["promtool", "check", "metrics"], standardInput: text)
        #expect(check.status == 0, "promtool: \(check.output)")
    }

    @Test("promtool does reject a counter without _total, so the check above can fail")
    func promtoolRejectsBadCounter() {
        let bad = "# HELP requests Requests.\n# TYPE requests counter\nrequests 1\n"
        #expect(runTool(["promtool", "check", "metrics"], standardInput: bad).status != 0)
    }
}
