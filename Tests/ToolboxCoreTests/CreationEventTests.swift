import Testing
import ToolboxCore

@Suite("Creation events")
struct CreationEventTests {
    @Test("nothing created is no Event; one object keeps its reason; several are one Created Event naming each")
    func creationEvent() {
        var created = CreationEvent()
        #expect(created.event == nil)
        created.add(reason: "ClusterCreated", object: "FlinkCluster demo")
        #expect(created.event?.reason == "ClusterCreated" && created.event?.message == "created FlinkCluster demo")
        created.add(reason: "JobCreated", object: "FlinkJob demo-a")
        created.add(reason: "JobCreated", object: "FlinkJob demo-b")
        #expect(created.event?.reason == "Created")
        #expect(created.event?.message == "created FlinkCluster demo, FlinkJob demo-a, FlinkJob demo-b")
    }
}
