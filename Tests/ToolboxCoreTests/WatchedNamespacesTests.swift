import Testing
import ToolboxCore

@Suite("--namespaces and --all-namespaces")
struct WatchedNamespacesTests {
    @Test(
        "parsing the options",
        arguments: [
            ([], false, WatchedNamespaces.only(["home"])),
            (["a,b"], false, .only(["a", "b"])),
            (["a", "b"], false, .only(["a", "b"])),
            ([" a , b ,", "a"], false, .only(["a", "b"])),
            (["b,a"], false, .only(["b", "a"])),
            ([","], false, .only(["home"])),
            ([], true, .all),
        ] as [([String], Bool, WatchedNamespaces)]
    )
    func parse(list: [String], all: Bool, expected: WatchedNamespaces) throws {
        #expect(try WatchedNamespaces.parse(own: "home", list: list, all: all) == expected)
    }

    @Test("refused: both options, or a name Kubernetes would refuse")
    func refused() {
        #expect(throws: WatchedNamespacesError.conflicting) { try WatchedNamespaces.parse(own: "home", list: ["a"], all: true) }
        #expect(throws: WatchedNamespacesError.invalid("B")) { try WatchedNamespaces.parse(own: "home", list: ["a,B"], all: false) }
        #expect(throws: WatchedNamespacesError.invalid("-a")) { try WatchedNamespaces.parse(own: "home", list: ["-a"], all: false) }
        #expect(throws: WatchedNamespacesError.invalid(String(repeating: "x", count: 64))) {
            try WatchedNamespaces.parse(own: "home", list: [String(repeating: "x", count: 64)], all: false)
        }
    }

    @Test("reflectors: one per listed namespace, or one cluster-wide (nil)")
    func scope() {
        #expect(WatchedNamespaces.only(["a", "b"]).reflectorNamespaces == ["a", "b"])
        #expect(WatchedNamespaces.all.reflectorNamespaces == [nil])
    }
}
